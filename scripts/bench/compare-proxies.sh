#!/usr/bin/env bash
# Compares bluegreen's standalone proxy with HAProxy, nginx and no proxy at all, in front of the same nginx backend,
# on this machine, in one run (DESIGN.md, "Performance targets" and "How to measure"). See scripts/bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/bench/compare-proxies.sh [options]

Starts nginx as the backend (return 200 "ok"), then bluegreen's standalone proxy, HAProxy and nginx as proxies in
front of it; warms each once (40 s for the JVM), then drives no proxy, bluegreen, HAProxy and nginx with wrk (and,
with --h2, h2load) in turn, round after round, and prints medians and the ratios bluegreen/HAProxy and
bluegreen/nginx.

options
  --connections LIST  wrk connection counts to compare, one scenario each (default: 64), e.g. 1,16,64,256
  --body-1m           also compare with a 1 MiB response body (a file served by the backend nginx)
  --idle              also open IDLE_CONNECTIONS (10000) idle keep-alive connections to a fresh instance of each
                      proxy and report its RSS (and bluegreen's heap after a full GC) against the empty proxy
  --big               also send a BIG_BYTES (1 GiB) download and upload through a fresh instance of each proxy
                      (bluegreen with -Xmx64m) to a python3 sink that counts the bytes
  --h2                also compare HTTP/2 with prior knowledge (h2c) from the client, HTTP/1.1 to the backend:
                      h2load, H2_CONNECTIONS (16) connections x H2_STREAMS (10) streams; nginx on a second
                      `listen ... http2` port, HAProxy on a second `bind ... proto h2` port, bluegreen on its one
                      port (it detects the HTTP/2 preface); the backend nginx over h2c as "no proxy"
  --h2-only           --h2 without the HTTP/1.1 scenarios (a profiling run of the HTTP/2 path)
  --paced MS          also compare at a set pace below saturation: 64 connections, each waiting MS ms (a whole
                      number, wrk's Lua delay()) after every response before its next request, so every target
                      gets about the same offered load and the latencies compare at equal throughput
  --all               --connections 1,16,64,256 --body-1m --paced 1 --h2 --idle --big
  --smoke             everything, very briefly (seconds each, 200 idle connections, 32 MiB bodies, h2 included):
                      a check that it all works, not a measurement
  --rounds N          rounds (default: 3)
  --duration S        seconds per measurement (default: 10)
  --warmup S          seconds of load that warm the JVM before its first measurement (default: 40)
  --warmup-rounds N   unmeasured rounds, shaped as the measured ones, after the warm-ups (default: 0): each target
                      has then also been through a pause and a new load, as every measured round after the first
                      has (the JVM's first-round swing, docs/performance.md); a deviation from the issue's method,
                      which the report states
  -h, --help          this text

environment (defaults in brackets)
  TARGETS             [direct bluegreen haproxy nginx] which targets to run
  PROXY_THREADS       [nproc] bluegreen --threads, HAProxy nbthread, nginx worker_processes: the same for each
  BACKEND_WORKERS     [1] worker processes of the backend nginx
  WRK_THREADS         [2] wrk -t (never more than the connections)
  H2_CONNECTIONS      [16] h2load -c
  H2_STREAMS          [10] h2load -m: concurrent streams per connection
  H2LOAD_THREADS      [2] h2load -t (never more than the connections)
  JAVA_OPTS           [] options for the bluegreen JVM, e.g. -XX:+UseParallelGC or a JFR recording
  H2_UPSTREAM         [0] 1: bluegreen (--backend-protocol h2c) and HAProxy (`server ... proto h2`) speak cleartext
                      HTTP/2 to the backend nginx's h2c port in every scenario that goes to it (the path of a gRPC
                      backend; the big bodies still go to the python3 sink over HTTP/1.1); nginx can't proxy to an
                      HTTP/2 upstream and stays on HTTP/1.1
  TUNED_JAVA_OPTS     [] when set, a second bluegreen target, "bluegreen-tuned", runs with these options instead,
                      in the same rounds: the effect of JVM settings, as a ratio within one run
  BLUEGREEN_ARGS      [] extra arguments of the bluegreen proxy command (both bluegreen targets)
  TUNED_ARGS          [] extra arguments of "bluegreen-tuned"'s proxy command only, e.g. --no-yield-after-io; when set,
                      that target runs too
  TUNED_JAVA          [java] the java command of "bluegreen-tuned" (another JDK, say); when set, that target runs too
  TUNED_JAR           [BLUEGREEN_JAR] the jar of "bluegreen-tuned"; when set, that target runs too: two builds in
                      the same rounds (an A/B of a change, against the same machine's moods), as a ratio
  BLUEGREEN_JAR       [bluegreen-examples/target/bluegreen-examples.jar] built with mvn package when missing
  BLUEGREEN_REV       [git HEAD] what the report says the jar was built from
  NATIVE_WARMUP       [5] warm-up seconds of the C proxies and the direct target
  SCENARIO_WARMUP     [3] warm-up seconds before each later scenario (C proxies, direct)
  SCENARIO_WARMUP_JVM [10] the same for bluegreen (a new scenario runs new code paths)
  IDLE_CONNECTIONS    [10000]
  BIG_BYTES           [1073741824] size of the big download and upload
  BIG_JAVA_OPTS       [-Xmx64m] extra JVM options of the bluegreen instance of the big-body run
  BIG_WARMUP          [1] one unmeasured download and upload before the measured ones (0: measure cold)
  BASE_PORT           [18800] ports BASE_PORT..BASE_PORT+30 on 127.0.0.1 are used
  OUT                 [/tmp/bluegreen-bench-DATE] where results, configs and logs go
  KEEP                [0] 1 keeps OUT's configs and logs (results are always kept)

Exit status 1 if a check failed: a non-2xx response, a socket error, an idle connection that failed, or a big body
that did not arrive whole.
EOF
}

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-40}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-0}
NATIVE_WARMUP=${NATIVE_WARMUP:-5}
SCENARIO_WARMUP=${SCENARIO_WARMUP:-3}
SCENARIO_WARMUP_JVM=${SCENARIO_WARMUP_JVM:-10}
CONNECTIONS=${CONNECTIONS:-64}
TARGETS=${TARGETS:-direct bluegreen $([ -z "${TUNED_JAVA_OPTS:-}${TUNED_JAR:-}${TUNED_JAVA:-}${TUNED_ARGS:-}" ] || echo bluegreen-tuned) haproxy nginx}
PROXY_THREADS=${PROXY_THREADS:-$(nproc)}
BACKEND_WORKERS=${BACKEND_WORKERS:-1}
WRK_THREADS=${WRK_THREADS:-2}
H2_CONNECTIONS=${H2_CONNECTIONS:-16}
H2_STREAMS=${H2_STREAMS:-10}
H2LOAD_THREADS=${H2LOAD_THREADS:-2}
JAVA_OPTS=${JAVA_OPTS:-}
TUNED_JAVA_OPTS=${TUNED_JAVA_OPTS:-}
BLUEGREEN_ARGS=${BLUEGREEN_ARGS:-}
TUNED_ARGS=${TUNED_ARGS:-}
BLUEGREEN_JAR=${BLUEGREEN_JAR:-$ROOT/bluegreen-examples/target/bluegreen-examples.jar}
TUNED_JAR=${TUNED_JAR:-$BLUEGREEN_JAR}
TUNED_JAVA=${TUNED_JAVA:-java}
BLUEGREEN_REV=${BLUEGREEN_REV:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
BIG_BYTES=${BIG_BYTES:-1073741824}
BIG_JAVA_OPTS=${BIG_JAVA_OPTS:--Xmx64m}
BIG_WARMUP=${BIG_WARMUP:-1}
BASE_PORT=${BASE_PORT:-18800}
OUT=${OUT:-/tmp/bluegreen-bench-$(date +%Y%m%d-%H%M%S)}
KEEP=${KEEP:-0}
BODY_1M=0
IDLE=0
BIG=0
H2=0
H2_UPSTREAM=${H2_UPSTREAM:-0}
H1=1
SMOKE=0
PACED_MS=0

while [ $# -gt 0 ]; do
    case "$1" in
        --connections) CONNECTIONS=${2//,/ }; shift ;;
        --body-1m) BODY_1M=1 ;;
        --idle) IDLE=1 ;;
        --big) BIG=1 ;;
        --h2) H2=1 ;;
        --h2-only) H2=1; H1=0 ;;
        --paced) PACED_MS=$2; shift ;;
        --all) CONNECTIONS="64 1 16 256"; BODY_1M=1; PACED_MS=1; H2=1; IDLE=1; BIG=1 ;;
        --smoke) SMOKE=1 ;;
        --rounds) ROUNDS=$2; shift ;;
        --duration) DURATION=$2; shift ;;
        --warmup) WARMUP=$2; shift ;;
        --warmup-rounds) WARMUP_ROUNDS=$2; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
# require_int OPTION VALUE MIN: stops the script unless VALUE is a whole number >= MIN (scripts/switch-under-load.sh
# has its twin; the two scripts share no library).
require_int() {
    if ! [[ $2 =~ ^[0-9]+$ ]] || ((10#$2 < $3)); then
        echo "$1 $2: expected a whole number >= $3" >&2
        exit 2
    fi
}
require_int --rounds "$ROUNDS" 1
require_int --duration "$DURATION" 1
require_int --warmup "$WARMUP" 0
require_int --warmup-rounds "$WARMUP_ROUNDS" 0
require_int --paced "$PACED_MS" 0
PACED_MS=$((10#$PACED_MS))
if [ "$SMOKE" = 1 ]; then
    ROUNDS=1 DURATION=2 WARMUP=3 NATIVE_WARMUP=1 SCENARIO_WARMUP=1 SCENARIO_WARMUP_JVM=1
    CONNECTIONS="64" BODY_1M=1 PACED_MS=1 H2=1 IDLE=1 BIG=1 IDLE_CONNECTIONS=200 BIG_BYTES=$((32 * 1024 * 1024))
fi

BACKEND_PORT=$BASE_PORT
SINK_PORT=$((BASE_PORT + 1))
BACKEND_H2_PORT=$((BASE_PORT + 2))
declare -A PORT=([direct]=$BACKEND_PORT [bluegreen]=$((BASE_PORT + 10)) [haproxy]=$((BASE_PORT + 11))
                 [nginx]=$((BASE_PORT + 12)) [bluegreen-tuned]=$((BASE_PORT + 15)))
# Where each target takes HTTP/2 with prior knowledge: bluegreen tells it from HTTP/1.1 on its one port (the
# preface); nginx 1.22 and HAProxy 2.6 take cleartext HTTP/2 on a listener of its own.
declare -A H2_PORT=([direct]=$BACKEND_H2_PORT [bluegreen]=$((BASE_PORT + 10)) [haproxy]=$((BASE_PORT + 13))
                    [nginx]=$((BASE_PORT + 14)) [bluegreen-tuned]=$((BASE_PORT + 15)))
declare -A PIDOF=()
CLK_TCK=$(getconf CLK_TCK)
# HAProxy refuses to start unless the open-file limit covers two sockets per connection.
HAPROXY_MAXCONN=$(( ($(ulimit -Hn) - 300) / 2 ))
[ "$HAPROXY_MAXCONN" -gt 20000 ] && HAPROXY_MAXCONN=20000
FAILED=0
STARTED=()

# Whether TARGET is a bluegreen JVM (bluegreen, or bluegreen-tuned with TUNED_JAVA_OPTS).
is_jvm() {
    case "$1" in bluegreen|bluegreen-tuned) return 0 ;; *) return 1 ;; esac
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { log "CHECK FAILED: $*"; FAILED=1; }

# ---- set-up ---------------------------------------------------------------------------------------------------

install_tools() {
    local missing=()
    command -v nginx >/dev/null || missing+=(nginx)
    command -v haproxy >/dev/null || missing+=(haproxy)
    command -v wrk >/dev/null || missing+=(wrk)
    if [ "$H2" = 1 ]; then
        command -v h2load >/dev/null || missing+=(nghttp2-client)
    fi
    command -v curl >/dev/null || missing+=(curl)
    command -v python3 >/dev/null || missing+=(python3)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo=sudo
        $sudo apt-get update -qq
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    if ! command -v jcmd >/dev/null || ! command -v jstat >/dev/null; then
        echo "jcmd and jstat (a JDK) are needed" >&2
        exit 2
    fi
    if [ ! -f "$BLUEGREEN_JAR" ]; then
        log "building $BLUEGREEN_JAR"
        (cd "$ROOT" && mvn -B -q -DskipTests package)
    fi
}

# Every process this script starts is remembered and stopped, by its pid, when the script ends.
cleanup() {
    local pid
    for pid in "${STARTED[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${STARTED[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -f "$OUT/big.bin"
    if [ "$KEEP" != 1 ]; then
        rm -rf "$OUT/run"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts "$@" in the background with its output in $OUT/run/NAME.log; sets LAST_PID.
spawn() {
    local name=$1
    shift
    "$@" >"$OUT/run/$name.log" 2>&1 &
    LAST_PID=$!
    STARTED+=("$LAST_PID")
}

stop() {
    local pid=$1 i
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# wait_http URL [CURL OPTIONS...]: waits until URL answers 200.
wait_http() {
    local url=$1 i
    shift
    for i in $(seq 1 300); do
        if [ "$(curl -s "$@" -o /dev/null -w '%{http_code}' "$url" 2>/dev/null)" = 200 ]; then
            return 0
        fi
        sleep 0.1
    done
    echo "no 200 from $url within 30 s; logs in $OUT/run" >&2
    exit 1
}

# wait_h2 URL: waits until URL answers 200 over HTTP/2 with prior knowledge.
wait_h2() {
    wait_http "$1" --http2-prior-knowledge
}

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ---- the processes ------------------------------------------------------------------------------------------------

nginx_common() {
    local dir=$1
    mkdir -p "$dir/www"
    [ "$(id -u)" = 0 ] && echo "user root root;"
    cat <<EOF
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
worker_rlimit_nofile 20000;
events { worker_connections 20000; }
EOF
}

nginx_http_common() {
    local dir=$1
    cat <<EOF
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy_temp;
    fastcgi_temp_path $dir/fastcgi_temp;
    uwsgi_temp_path $dir/uwsgi_temp;
    scgi_temp_path $dir/scgi_temp;
EOF
}

start_backend() {
    local dir=$OUT/run/backend
    mkdir -p "$dir/www"
    head -c $((1024 * 1024)) /dev/urandom >"$dir/www/1m.bin"
    {
        echo "worker_processes $BACKEND_WORKERS;"
        nginx_common "$dir"
        echo "http {"
        nginx_http_common "$dir"
        cat <<EOF
    server {
        listen 127.0.0.1:$BACKEND_PORT backlog=4096;
        $({ [ "$H2" = 1 ] || [ "$H2_UPSTREAM" = 1 ]; } && echo "listen 127.0.0.1:$BACKEND_H2_PORT http2 backlog=4096;")
        root $dir/www;
        location = / { default_type text/plain; return 200 "ok"; }
    }
}
EOF
    } >"$dir/nginx.conf"
    spawn backend nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
    PIDOF[backend]=$LAST_PID
    wait_http "http://127.0.0.1:$BACKEND_PORT/"
    { [ "$H2" = 1 ] || [ "$H2_UPSTREAM" = 1 ]; } && wait_h2 "http://127.0.0.1:$BACKEND_H2_PORT/"
    return 0
}

# start_proxy TARGET NAME PORT UPSTREAM_PORT [STREAMING [H2_PORT]]: starts one proxy; sets LAST_PID. With H2_PORT,
# nginx and HAProxy also take HTTP/2 with prior knowledge there (bluegreen takes it on PORT).
start_proxy() {
    local target=$1 name=$2 port=$3 upstream=$4 streaming=${5:-0} h2port=${6:-} dir=$OUT/run/$2
    # H2_UPSTREAM: the main run's proxies that can speak HTTP/2 to the backend do so, to its h2c port.
    local backend_protocol=http1 haproxy_proto=""
    if [ "$H2_UPSTREAM" = 1 ] && [ "$upstream" = "$BACKEND_PORT" ] && [ "$target" != nginx ]; then
        upstream=$BACKEND_H2_PORT backend_protocol=h2c haproxy_proto=" proto h2"
    fi
    mkdir -p "$dir"
    local p
    for p in "$port" $(is_jvm "$target" || echo "$h2port"); do
        if ! port_free "$p"; then
            echo "port $p is in use; set BASE_PORT" >&2
            exit 1
        fi
    done
    case "$target" in
        bluegreen|bluegreen-tuned)
            local opts=$JAVA_OPTS
            local jar=$BLUEGREEN_JAR java=java args=$BLUEGREEN_ARGS
            if [ "$target" = bluegreen-tuned ]; then
                opts=$TUNED_JAVA_OPTS
                args="$args $TUNED_ARGS"
                jar=$TUNED_JAR
                java=$TUNED_JAVA
            fi
            [ "$streaming" = 1 ] && opts="$opts $BIG_JAVA_OPTS"
            # shellcheck disable=SC2086 # JAVA_OPTS and the ARGS are lists
            # Health checks on "/" (the backend's only 200); no per-connection request or connection limit, as
            # the other targets' keep-alive limits are raised and the idle scenario holds 10,000 connections.
            spawn "$name" "$java" $opts -jar "$jar" proxy --listen "127.0.0.1:$port" \
                --blue "127.0.0.1:$upstream" --threads "$PROXY_THREADS" --health-path / \
                --max-requests-per-connection 0 --max-connections 0 --backend-protocol "$backend_protocol" $args
            ;;
        haproxy)
            cat >"$dir/haproxy.cfg" <<EOF
global
    nbthread $PROXY_THREADS
    maxconn $HAPROXY_MAXCONN
defaults
    mode http
    timeout connect 5s
    timeout client 300s
    timeout server 300s
    timeout http-keep-alive 300s
    option http-keep-alive
    http-reuse always
frontend proxy
    bind 127.0.0.1:$port
    # The same work as bluegreen: X-Forwarded-For, -Proto and -Host.
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    default_backend upstream
$([ -n "$h2port" ] && cat <<H2
frontend proxy_h2
    # Cleartext HTTP/2 with prior knowledge; the same work as the HTTP/1.1 frontend.
    bind 127.0.0.1:$h2port proto h2
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    default_backend upstream
H2
)
backend upstream
    server backend 127.0.0.1:$upstream$haproxy_proto
EOF
            spawn "$name" haproxy -db -f "$dir/haproxy.cfg"
            ;;
        nginx)
            local buffering=""
            # The big-body run streams, as bluegreen does; the default buffers a 1 GiB upload on disk first.
            [ "$streaming" = 1 ] && buffering="proxy_request_buffering off; proxy_buffering off;"
            {
                echo "worker_processes $PROXY_THREADS;"
                nginx_common "$dir"
                echo "http {"
                nginx_http_common "$dir"
                cat <<EOF
    client_max_body_size 0;
    upstream backend {
        server 127.0.0.1:$upstream;
        keepalive 64;
        keepalive_requests 1000000;
    }
    server {
        listen 127.0.0.1:$port backlog=4096;
        # nginx 1.22 takes cleartext HTTP/2 only with prior knowledge, and then only HTTP/2 on that listener.
        $([ -n "$h2port" ] && echo "listen 127.0.0.1:$h2port http2 backlog=4096;")
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # The same work as bluegreen: Host passed on, X-Forwarded-For, -Proto and -Host set.
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$http_host;
            $buffering
        }
    }
}
EOF
            } >"$dir/nginx.conf"
            spawn "$name" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
            ;;
        *) echo "unknown target $target" >&2; exit 2 ;;
    esac
    local pid=$LAST_PID
    wait_http "http://127.0.0.1:$port/"
    if [ -n "$h2port" ]; then
        wait_h2 "http://127.0.0.1:$(is_jvm "$target" && echo "$port" || echo "$h2port")/"
    fi
    LAST_PID=$pid
}

# The pid and its children (nginx's workers).
tree() {
    local pid
    for pid in "$@"; do
        echo "$pid"
        pgrep -P "$pid" || true
    done
}

# CPU time (user + system, clock ticks) of the processes and their children, threads included.
ticks() {
    local total=0 pid t
    for pid in $(tree "$@"); do
        t=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}

# User CPU time alone (clock ticks): the proxy's own code, as opposed to the kernel's TCP work for it.
user_ticks() {
    local total=0 pid t
    for pid in $(tree "$@"); do
        t=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12}') || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}

# Resident memory (kB) of the processes and their children; FIELD is VmRSS or VmHWM.
memory_kb() {
    local field=$1 total=0 pid k
    shift
    for pid in $(tree "$@"); do
        k=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/status" 2>/dev/null) || k=0
        total=$((total + ${k:-0}))
    done
    echo "$total"
}

# Heap used (kB) by a JVM, from jstat: survivor, eden and old.
heap_used_kb() {
    jstat -gc "$1" | awk 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i}
        NR == 2 {printf "%d\n", $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]}'
}

# ---- load scenarios -------------------------------------------------------------------------------------------

# run_wrk URL CONNECTIONS SECONDS FILE [PACE_MS]: one wrk run, its output in FILE; with PACE_MS > 0 each connection
# waits that long after a response before it sends its next request (wrk-report.lua reads WRK_PACE_MS).
run_wrk() {
    local url=$1 connections=$2 seconds=$3 file=$4 pace=${5:-0} threads=$WRK_THREADS
    [ "$connections" -lt "$threads" ] && threads=$connections
    WRK_PACE_MS=$pace wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$HERE/wrk-report.lua" "$url" \
        >"$file" 2>&1 || true
}

field() {
    sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$2"
}

target_pids() {
    [ "$1" = direct ] || echo "${PIDOF[$1]}"
}

# warm TARGET CONNECTIONS PATH SECONDS [PACE_MS]
warm() {
    local target=$1 connections=$2 path=$3 seconds=$4 pace=${5:-0}
    [ "$seconds" -gt 0 ] || return 0
    local paced=""
    [ "$pace" = 0 ] || paced=", paced $pace ms"
    log "warming $target for ${seconds}s ($connections connections, $path$paced)"
    run_wrk "http://127.0.0.1:${PORT[$target]}$path" "$connections" "$seconds" "$OUT/run/warmup-$target.txt" "$pace"
}

# measure SCENARIO TARGET ROUND CONNECTIONS PATH [PACE_MS]: one measured wrk run, a line of results.tsv.
measure() {
    local scenario=$1 target=$2 round=$3 connections=$4 path=$5 pace=${6:-0}
    local file=$OUT/run/wrk-${target}-c${connections}${path//\//_}-p$pace-r$round.txt
    local proxy
    proxy=$(target_pids "$target")
    local p0 u0 b0 p1 u1 b1
    p0=$([ -n "$proxy" ] && ticks "$proxy" || echo 0)
    u0=$([ -n "$proxy" ] && user_ticks "$proxy" || echo 0)
    b0=$(ticks "${PIDOF[backend]}")
    run_wrk "http://127.0.0.1:${PORT[$target]}$path" "$connections" "$DURATION" "$file" "$pace"
    p1=$([ -n "$proxy" ] && ticks "$proxy" || echo 0)
    u1=$([ -n "$proxy" ] && user_ticks "$proxy" || echo 0)
    b1=$(ticks "${PIDOF[backend]}")
    if ! grep -q '^RESULT' "$file"; then
        fail "$target: wrk printed no result ($file)"
        return
    fi
    local requests duration p50 p99 non2xx errors
    requests=$(field requests "$file")
    duration=$(field duration_us "$file")
    p50=$(field p50_us "$file")
    p99=$(field p99_us "$file")
    non2xx=$(field non2xx "$file")
    errors=$(( $(field connect "$file") + $(field read "$file") + $(field write "$file") + $(field timeout "$file") ))
    awk -v s="$scenario" -v t="$target" -v r="$round" -v n="$requests" -v d="$duration" -v p50="$p50" -v p99="$p99" \
        -v pt=$((p1 - p0)) -v ut=$((u1 - u0)) -v bt=$((b1 - b0)) -v hz="$CLK_TCK" -v x="$non2xx" -v e="$errors" \
        -v proxied="$proxy" \
        'BEGIN {
            rps = n / (d / 1e6)
            pus = proxied == "" ? "-" : sprintf("%.2f", pt * 1e6 / hz / n)
            uus = proxied == "" ? "-" : sprintf("%.2f", ut * 1e6 / hz / n)
            printf "%s\t%s\t%d\t%d\t%.3f\t%.0f\t%d\t%d\t%s\t%s\t%.2f\t%d\t%d\n", s, t, r, n, d / 1e6, rps, p50, p99, pus,
                uus, bt * 1e6 / hz / n, x, e
        }' >>"$OUT/results.tsv"
    log "$(printf '%-9s c=%-3s %-8s round %d: %s' "$target" "$connections" "$path" "$round" \
        "$(tail -1 "$OUT/results.tsv" | awk -F'\t' '{printf "%s req/s, p50 %.2f ms, p99 %.2f ms, proxy %s µs/req (user %s), non-2xx %s, errors %s", $6, $7/1000, $8/1000, $9, $10, $12, $13}')")"
    [ "$non2xx" = 0 ] || fail "$target: $non2xx non-2xx responses ($file)"
    [ "$errors" = 0 ] || fail "$target: $errors socket errors ($file)"
}

# run_h2load URL SECONDS FILE: one h2load run (HTTP/2 with prior knowledge), its output in FILE.
run_h2load() {
    local url=$1 seconds=$2 file=$3 threads=$H2LOAD_THREADS
    [ "$H2_CONNECTIONS" -lt "$threads" ] && threads=$H2_CONNECTIONS
    h2load -t"$threads" -c"$H2_CONNECTIONS" -m"$H2_STREAMS" -D"$seconds" "$url" >"$file" 2>&1 || true
}

# A duration as h2load prints it (123us, 4.56ms, 1.2s) in microseconds.
h2_micros() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        printf "%.0f\n", u == "us" ? n : u == "ms" ? n * 1000 : u == "s" ? n * 1e6 : n
    }'
}

warm_h2() {
    local target=$1 seconds=$2
    [ "$seconds" -gt 0 ] || return 0
    log "warming $target over h2c for ${seconds}s ($H2_CONNECTIONS connections x $H2_STREAMS streams)"
    run_h2load "http://127.0.0.1:${H2_PORT[$target]}/" "$seconds" "$OUT/run/warmup-h2-$target.txt"
}

measure_h2() {
    local scenario=$1 target=$2 round=$3
    local file=$OUT/run/h2load-${target}-r$round.txt
    local proxy p0 u0 b0 p1 u1 b1
    proxy=$(target_pids "$target")
    p0=$([ -n "$proxy" ] && ticks "$proxy" || echo 0)
    u0=$([ -n "$proxy" ] && user_ticks "$proxy" || echo 0)
    b0=$(ticks "${PIDOF[backend]}")
    run_h2load "http://127.0.0.1:${H2_PORT[$target]}/" "$DURATION" "$file"
    p1=$([ -n "$proxy" ] && ticks "$proxy" || echo 0)
    u1=$([ -n "$proxy" ] && user_ticks "$proxy" || echo 0)
    b1=$(ticks "${PIDOF[backend]}")
    local requests rps non2xx failed errored timeout mean
    read -r requests failed errored timeout < <(sed -n \
        's/^requests: .* \([0-9]*\) succeeded, \([0-9]*\) failed, \([0-9]*\) errored, \([0-9]*\) timeout.*/\1 \2 \3 \4/p' \
        "$file") || true
    if [ -z "${requests:-}" ] || [ "$requests" = 0 ]; then
        fail "$target: h2load completed no request ($file)"
        return
    fi
    rps=$(sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' "$file")
    # Not "requests - 2xx": a response whose head came just as the time ran out counts as a 2xx but not as done.
    non2xx=$(awk '/^status codes:/ {print $5 + $7 + $9}' "$file")
    mean=$(h2_micros "$(awk '/^time for request:/ {print $6}' "$file")")
    awk -v s="$scenario" -v t="$target" -v r="$round" -v n="$requests" -v rps="$rps" -v mean="$mean" \
        -v pt=$((p1 - p0)) -v ut=$((u1 - u0)) -v bt=$((b1 - b0)) -v hz="$CLK_TCK" -v x="$non2xx" \
        -v e=$((failed + errored + timeout)) -v proxied="$proxy" \
        'BEGIN {
            pus = proxied == "" ? "-" : sprintf("%.2f", pt * 1e6 / hz / n)
            uus = proxied == "" ? "-" : sprintf("%.2f", ut * 1e6 / hz / n)
            printf "%s\t%s\t%d\t%d\t%.0f\t%d\t%s\t%s\t%.2f\t%d\t%d\n", s, t, r, n, rps, mean, pus, uus,
                bt * 1e6 / hz / n, x, e
        }' >>"$OUT/h2-results.tsv"
    log "$(printf '%-9s h2c      round %d: %s' "$target" "$round" \
        "$(tail -1 "$OUT/h2-results.tsv" | awk -F'\t' '{printf "%s req/s, mean %.2f ms, proxy %s µs/req (user %s), non-2xx %s, failed %s", $5, $6/1000, $7, $8, $10, $11}')")"
    [ "$non2xx" = 0 ] || fail "$target: $non2xx non-2xx h2 responses ($file)"
    [ "$((failed + errored + timeout))" = 0 ] || fail "$target: $((failed + errored + timeout)) failed h2 requests ($file)"
}

# in_round ROUND: TARGETS in the order they take their turns in round ROUND, one per line. The order rotates by one
# each round, so that no target always runs right after the same other one.
in_round() {
    local round=$1 i
    local -a targets
    read -r -a targets <<<"$TARGETS"
    for i in "${!targets[@]}"; do
        echo "${targets[$(((i + round - 1) % ${#targets[@]}))]}"
    done
}

# h2_scenario FIRST: HTTP/2 with prior knowledge from h2load, HTTP/1.1 to the backend; warm, then rounds.
h2_scenario() {
    local first=$1 name target round
    name="h2c GET / (2-byte body), $H2_CONNECTIONS connections x $H2_STREAMS streams"
    log "scenario: $name"
    printf 'scenario\ttarget\tround\trequests\trps\tmean_us\tproxy_us_per_req\tproxy_user_us_per_req\tbackend_us_per_req\tnon2xx\tfailed\n' \
        >"$OUT/h2-results.tsv"
    for target in $TARGETS; do
        if is_jvm "$target"; then
            warm_h2 "$target" "$([ "$first" = 1 ] && echo "$WARMUP" || echo "$SCENARIO_WARMUP_JVM")"
        else
            warm_h2 "$target" "$([ "$first" = 1 ] && echo "$NATIVE_WARMUP" || echo "$SCENARIO_WARMUP")"
        fi
    done
    for round in $(seq 1 "$WARMUP_ROUNDS"); do
        for target in $(in_round "$round"); do
            warm_h2 "$target" "$DURATION"
        done
    done
    for round in $(seq 1 "$ROUNDS"); do
        for target in $(in_round "$round"); do
            measure_h2 "$name" "$target" "$round"
        done
    done
}

# scenario NAME CONNECTIONS PATH FIRST [PACE_MS]: warm every target, then ROUNDS rounds over them in a rotating order.
scenario() {
    local name=$1 connections=$2 path=$3 first=$4 pace=${5:-0} target round
    log "scenario: $name"
    for target in $TARGETS; do
        if is_jvm "$target"; then
            warm "$target" "$connections" "$path" \
                "$([ "$first" = 1 ] && echo "$WARMUP" || echo "$SCENARIO_WARMUP_JVM")" "$pace"
        else
            warm "$target" "$connections" "$path" \
                "$([ "$first" = 1 ] && echo "$NATIVE_WARMUP" || echo "$SCENARIO_WARMUP")" "$pace"
        fi
    done
    for round in $(seq 1 "$WARMUP_ROUNDS"); do
        for target in $(in_round "$round"); do
            warm "$target" "$connections" "$path" "$DURATION" "$pace"
        done
    done
    for round in $(seq 1 "$ROUNDS"); do
        for target in $(in_round "$round"); do
            measure "$name" "$target" "$round" "$connections" "$path" "$pace"
        done
    done
}

load_scenarios() {
    local target first=1 connections
    for target in $TARGETS; do
        [ "$target" = direct ] && continue
        start_proxy "$target" "$target" "${PORT[$target]}" "$BACKEND_PORT" 0 "$([ "$H2" = 1 ] && echo "${H2_PORT[$target]}")"
        PIDOF[$target]=$LAST_PID
    done
    printf 'scenario\ttarget\tround\trequests\tseconds\trps\tp50_us\tp99_us\tproxy_us_per_req\tproxy_user_us_per_req\tbackend_us_per_req\tnon2xx\tsocket_errors\n' \
        >"$OUT/results.tsv"
    if [ "$H1" = 1 ]; then
        for connections in $CONNECTIONS; do
            scenario "GET / (2-byte body), $connections connections" "$connections" / "$first"
            first=0
        done
        if [ "$BODY_1M" = 1 ]; then
            scenario "GET 1 MiB file, 64 connections" 64 /1m.bin "$first"
            first=0
        fi
        if [ "$PACED_MS" -gt 0 ]; then
            scenario "GET / (2-byte body), 64 connections, each pausing ${PACED_MS} ms between requests" 64 / \
                "$first" "$PACED_MS"
            first=0
        fi
    fi
    if [ "$H2" = 1 ]; then
        h2_scenario "$first"
        first=0
    fi
    for target in $TARGETS; do
        [ "$target" = direct ] && continue
        log "$target RSS after the load: $(( $(memory_kb VmRSS "${PIDOF[$target]}") / 1024 )) MB"
        echo -e "$target\t$(memory_kb VmRSS "${PIDOF[$target]}")" >>"$OUT/rss-after-load.tsv"
        stop "${PIDOF[$target]}"
    done
}

# ---- idle connections ---------------------------------------------------------------------------------------------

idle_run() {
    local target port=$((BASE_PORT + 20)) pid client rss0 rss1 heap0="-" heap1="-" line open failed count
    printf 'target\topen\tfailed\trss_empty_kb\trss_idle_kb\theap_empty_kb\theap_idle_kb\n' >"$OUT/idle.tsv"
    for target in $TARGETS; do
        [ "$target" = direct ] && continue
        log "idle: $target with $IDLE_CONNECTIONS idle keep-alive connections"
        start_proxy "$target" "idle-$target" "$port" "$BACKEND_PORT"
        pid=$LAST_PID
        # The empty proxy has served a little, as a running one has.
        run_wrk "http://127.0.0.1:$port/" 4 2 "$OUT/run/idle-$target-warm.txt"
        sleep 1
        if is_jvm "$target"; then
            jcmd "$pid" GC.run >/dev/null
            heap0=$(heap_used_kb "$pid")
        fi
        rss0=$(memory_kb VmRSS "$pid")
        count=$IDLE_CONNECTIONS
        if [ "$target" = haproxy ] && [ "$count" -gt $((HAPROXY_MAXCONN - 10)) ]; then
            count=$((HAPROXY_MAXCONN - 10))
            log "idle: HAProxy's maxconn is $HAPROXY_MAXCONN under this open-file limit; opening $count"
        fi
        spawn "idle-clients-$target" python3 "$HERE/idle_clients.py" 127.0.0.1 "$port" "$count"
        client=$LAST_PID
        line=""
        for _ in $(seq 1 1200); do
            line=$(grep '^ready' "$OUT/run/idle-clients-$target.log" || true)
            [ -n "$line" ] && break
            kill -0 "$client" 2>/dev/null || break
            sleep 0.1
        done
        read -r _ open failed <<<"${line:-ready 0 $count}"
        sleep 2
        if is_jvm "$target"; then
            jcmd "$pid" GC.run >/dev/null
            heap1=$(heap_used_kb "$pid")
        fi
        rss1=$(memory_kb VmRSS "$pid")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$open" "$failed" "$rss0" "$rss1" "$heap0" "$heap1" \
            >>"$OUT/idle.tsv"
        log "idle: $target: $open open, $failed failed; RSS $((rss0 / 1024)) -> $((rss1 / 1024)) MB; heap $heap0 -> $heap1 kB"
        [ "$failed" = 0 ] || fail "idle: $target: $failed of $count connections failed"
        stop "$client"
        stop "$pid"
        heap0="-" heap1="-"
    done
}

# ---- big bodies ---------------------------------------------------------------------------------------------------

big_run() {
    local target port=$((BASE_PORT + 25)) pid url sampler t0 t1 down up received hwm heapmax
    spawn sink python3 "$HERE/sink_backend.py" 127.0.0.1 "$SINK_PORT"
    PIDOF[sink]=$LAST_PID
    wait_http "http://127.0.0.1:$SINK_PORT/"
    truncate -s "$BIG_BYTES" "$OUT/big.bin"
    printf 'target\tdown_status\tdown_bytes\tdown_seconds\tup_status\tup_bytes_received\tup_seconds\tproxy_cpu_seconds\trss_peak_kb\theap_max_kb\n' \
        >"$OUT/big.tsv"
    for target in $TARGETS; do
        pid="" sampler="" heapmax="-"
        if [ "$target" = direct ]; then
            url=http://127.0.0.1:$SINK_PORT
        else
            start_proxy "$target" "big-$target" "$port" "$SINK_PORT" 1
            pid=$LAST_PID
            url=http://127.0.0.1:$port
        fi
        if is_jvm "$target"; then
            spawn "big-jstat" jstat -gc "$pid" 100
            sampler=$LAST_PID
        fi
        if [ "$BIG_WARMUP" = 1 ]; then
            # One unmeasured round first: a fresh JVM would otherwise be measured while it compiles the relay.
            curl -sS -o /dev/null "$url/download?bytes=$BIG_BYTES" 2>>"$OUT/run/big-curl.log" || true
            curl -sS -o /dev/null -T "$OUT/big.bin" -X POST "$url/upload" 2>>"$OUT/run/big-curl.log" || true
        fi
        log "big: $target: $BIG_BYTES bytes down, then up"
        t0=$([ -n "$pid" ] && ticks "$pid" || echo 0)
        down=$(curl -sS -o /dev/null -w '%{http_code} %{size_download} %{time_total}' \
            "$url/download?bytes=$BIG_BYTES" 2>>"$OUT/run/big-curl.log" || echo "000 0 0")
        up=$(curl -sS -T "$OUT/big.bin" -X POST -H 'Content-Type: application/octet-stream' \
            -o "$OUT/run/big-up-$target.txt" -w '%{http_code} %{time_total}' "$url/upload" \
            2>>"$OUT/run/big-curl.log" || echo "000 0")
        t1=$([ -n "$pid" ] && ticks "$pid" || echo 0)
        received=$(awk '{print $2}' "$OUT/run/big-up-$target.txt" 2>/dev/null || true)
        hwm=$([ -n "$pid" ] && memory_kb VmHWM "$pid" || echo "-")
        if [ -n "$sampler" ]; then
            stop "$sampler"
            heapmax=$(awk 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i; next}
                $1 != "S0C" {u = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]; if (u > m) m = u}
                END {printf "%d", m}' "$OUT/run/big-jstat.log")
        fi
        read -r down_status down_bytes down_seconds <<<"$down"
        read -r up_status up_seconds <<<"$up"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$down_status" "$down_bytes" "$down_seconds" \
            "$up_status" "${received:-0}" "$up_seconds" \
            "$(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" 'BEGIN {printf "%.2f", t / hz}')" "$hwm" "$heapmax" \
            >>"$OUT/big.tsv"
        log "big: $target: down $down_status $down_bytes B in ${down_seconds}s; up $up_status ${received:-0} B in ${up_seconds}s; heap max $heapmax kB"
        if [ "$down_status" != 200 ] || [ "$down_bytes" != "$BIG_BYTES" ]; then
            fail "big: $target: download $down"
        fi
        if [ "$up_status" != 200 ] || [ "${received:-0}" != "$BIG_BYTES" ]; then
            fail "big: $target: upload $up, received ${received:-0}"
        fi
        [ -z "$pid" ] || stop "$pid"
    done
}

# ---- the report ---------------------------------------------------------------------------------------------------

report() {
    {
        echo "## compare-proxies.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo
        echo "- machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
            "$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), Linux $(uname -r)," \
            "load average at start $LOAD_AT_START"
        echo "- bluegreen $BLUEGREEN_REV ($(basename "$BLUEGREEN_JAR")," \
            "$(java -version 2>&1 | head -1)), JAVA_OPTS='$JAVA_OPTS'$([ -n "$TUNED_JAVA_OPTS" ] && echo ", TUNED_JAVA_OPTS='$TUNED_JAVA_OPTS'")$([ -n "$BLUEGREEN_ARGS" ] && echo ", BLUEGREEN_ARGS='$BLUEGREEN_ARGS'")$([ -n "$TUNED_ARGS" ] && echo ", TUNED_ARGS='$TUNED_ARGS'")$([ "$TUNED_JAR" != "$BLUEGREEN_JAR" ] && echo ", TUNED_JAR=$(basename "$TUNED_JAR")")$([ "$TUNED_JAVA" != java ] && echo ", TUNED_JAVA: $("$TUNED_JAVA" -version 2>&1 | head -1)"); $(haproxy -v 2>/dev/null | head -1 | cut -d' ' -f1-3);" \
            "$(nginx -v 2>&1 | sed 's/.*: //'); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
        echo "- wrk -t$WRK_THREADS -cN -d${DURATION}s --latency, $ROUNDS rounds, warm-up ${WARMUP}s (JVM) /" \
            "${NATIVE_WARMUP}s (others)$([ "$WARMUP_ROUNDS" -gt 0 ] && echo " and $WARMUP_ROUNDS unmeasured round(s) of the rounds' shape (--warmup-rounds)");" \
            "$PROXY_THREADS threads or workers per proxy, backend nginx with" \
            "$BACKEND_WORKERS worker(s)"
        [ "$H2" = 1 ] && echo "- h2load -t$H2LOAD_THREADS -c$H2_CONNECTIONS -m$H2_STREAMS -D$DURATION (HTTP/2 with prior" \
            "knowledge; $(h2load --version 2>/dev/null | head -1))"
        if [ "$H2_UPSTREAM" = 1 ]; then
            echo "- to the backend: bluegreen and HAProxy over h2c (H2_UPSTREAM=1), nginx over HTTP/1.1"
        else
            echo "- to the backend: every proxy over HTTP/1.1"
        fi
        echo
        if [ -f "$OUT/results.tsv" ] || [ -f "$OUT/h2-results.tsv" ]; then
            [ "$H1" = 1 ] && python3 "$HERE/summarize.py" "$OUT/results.tsv"
            [ -f "$OUT/h2-results.tsv" ] && python3 "$HERE/summarize.py" "$OUT/h2-results.tsv"
            echo "RSS after the load: $(awk -F'\t' '{printf "%s%s %.0f MB", (NR > 1 ? ", " : ""), $1, $2 / 1024}' \
                "$OUT/rss-after-load.tsv")"
            echo
        fi
        if [ -f "$OUT/idle.tsv" ]; then
            echo "### $IDLE_CONNECTIONS idle keep-alive connections (fresh instance; after a full GC for the heap)"
            echo
            echo "| target | open | failed | RSS empty MB | RSS idle MB | RSS added MB | RSS added kB/conn | heap empty MB | heap idle MB | heap added kB/conn |"
            echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
            awk -F'\t' 'NR > 1 {
                h0 = $6 == "-" ? "-" : sprintf("%.1f", $6 / 1024); h1 = $7 == "-" ? "-" : sprintf("%.1f", $7 / 1024)
                hc = $6 == "-" || $2 == 0 ? "-" : sprintf("%.2f", ($7 - $6) / $2)
                rc = $2 == 0 ? "-" : sprintf("%.2f", ($5 - $4) / $2)
                printf "| %s | %s | %s | %.1f | %.1f | %.1f | %s | %s | %s | %s |\n", $1, $2, $3, $4 / 1024, $5 / 1024, ($5 - $4) / 1024, rc, h0, h1, hc
            }' "$OUT/idle.tsv"
            echo
        fi
        if [ -f "$OUT/big.tsv" ]; then
            echo "### $((BIG_BYTES / 1048576)) MiB download and upload (fresh instance, $([ "$BIG_WARMUP" = 1 ] && echo "after one unmeasured round" || echo "cold"); bluegreen with $BIG_JAVA_OPTS; python3 sink backend)"
            echo
            echo "| target | download | MB/s | upload (bytes the backend counted) | MB/s | proxy CPU s | proxy RSS peak MB | heap max MB |"
            echo "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |"
            awk -F'\t' 'NR > 1 {
                dr = $4 > 0 ? $3 / 1048576 / $4 : 0; ur = $7 > 0 ? $6 / 1048576 / $7 : 0
                rss = $9 == "-" ? "-" : sprintf("%.0f", $9 / 1024); heap = $10 == "-" ? "-" : sprintf("%.1f", $10 / 1024)
                cpu = $1 == "direct" ? "-" : $8
                printf "| %s | %s, %d B | %.0f | %s, %d B | %.0f | %s | %s | %s |\n", $1, $2, $3, dr, $5, $6, ur, cpu, rss, heap
            }' "$OUT/big.tsv"
            echo
        fi
    } >"$OUT/summary.md"
    cat "$OUT/summary.md"
}

# ---- main ---------------------------------------------------------------------------------------------------------

install_tools
mkdir -p "$OUT/run"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "results in $OUT; load average $LOAD_AT_START"
for port in "$BACKEND_PORT" "$SINK_PORT"; do
    port_free "$port" || { echo "port $port is in use; set BASE_PORT" >&2; exit 1; }
done
start_backend
load_scenarios
[ "$IDLE" = 1 ] && idle_run
[ "$BIG" = 1 ] && big_run
report
if grep -h 'WARN\|ERROR' "$OUT"/run/*bluegreen*.log 2>/dev/null | head -5 | grep -q .; then
    log "bluegreen logged warnings or errors (first ones):"
    grep -h 'WARN\|ERROR' "$OUT"/run/*bluegreen*.log | head -5 >&2
fi
[ "$FAILED" = 0 ] || { log "some checks failed (see above)"; exit 1; }
