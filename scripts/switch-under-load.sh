#!/usr/bin/env bash
# switch-under-load.sh: switches a bluegreen proxy between blue and green about a hundred times a second while wrk
# loads it, and fails if any request failed.
#
# Usage (from anywhere; it finds the repository from its own location):
#
#   scripts/switch-under-load.sh            # the defaults: 20 s warm-up, 20 s under load, a switch every 10 ms
#   DURATION=60 CONNECTIONS=128 scripts/switch-under-load.sh
#   scripts/switch-under-load.sh --help     # this text
#
# What it does:
#   1. Installs wrk with apt-get if it is missing (needs root), and builds
#      bluegreen-examples/target/bluegreen-examples.jar with `mvn -B -q -DskipTests package` if it is missing.
#   2. Starts, from a copy of that jar (so that a rebuild meanwhile can't break the running JVMs), two demo backends
#      (`backend --name blue`, `--name green`) and the standalone proxy (`proxy --blue ... --green ... --admin ...`,
#      blue live), all on 127.0.0.1, and waits until each answers.
#   3. Warms the proxy up with wrk for WARMUP seconds, switching as in step 4: the JIT compiles the switch path
#      (admin endpoint, guards, drain) as well as the data path before anything is measured; measured without that,
#      the switching run paid for the compilation and its ratio came out 0.6-0.75 instead of about 0.8.
#   4. Runs `wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency -s scripts/count-backends.lua` against the
#      proxy while scripts/switch-loop.py POSTs /switch?to=green and /switch?to=blue alternately to the admin
#      endpoint, one every SWITCH_INTERVAL_MS, until wrk ends.
#   5. Prints wrk's report, the responses per X-Backend value (both colours should show up) and a summary (with the
#      sockets left in TIME_WAIT between the proxy and the backends, on either side, and the CPU time per request of
#      the proxy and of the backends, from /proc, in each run), and stops everything it started, also when it fails
#      or is interrupted.
#
# It exits 0 when every response was 2xx/3xx, wrk saw no socket error, at least MIN_SWITCHES switches answered 200
# and both colours served requests; 1 when one of these fails; 2 for a bad setting or a set-up that would not start.
#
# Settings (environment variables, all optional):
#   BACKEND_BLUE_PORT=19101  BACKEND_GREEN_PORT=19102  PROXY_PORT=19180  ADMIN_PORT=19181
#                         the first port to try for each; a port in use is skipped for the next one up (PORT_TRIES
#                         ports at most, default 20)
#   WARMUP=20             seconds of warm-up load, switching (0: none)
#   DURATION=20           seconds of load while switching
#   CONNECTIONS=64        wrk connections;   WRK_THREADS=2: wrk threads
#   SWITCH_INTERVAL_MS=10 the pause between two switches (a fixed schedule: a slow switch shortens the next pause)
#   MIN_SWITCHES=1000     fewer successful switches than this fails the run
#   BASELINE=0            1: before the switching run, the same wrk run without switching, and the ratio of the two
#                         (the "switching costs nothing" target: at least 0.8)
#   PROXY_ARGS            extra options of the proxy command, e.g. "--rollback-window 0s" (old behaviour: every
#                         switch closes the old colour's idle connections) or "--transport epoll"
#   PROXY_JAVA_OPTS       JVM options of the proxy, e.g. "-XX:+UseParallelGC"
#   READY_TIMEOUT=20      seconds to wait for each process to answer after starting it
#   LOG_DIR               where the logs go (default: a new /tmp/bluegreen-switch-under-load.XXXXXX): proxy.log,
#                         blue.log, green.log, wrk-warmup.txt, wrk.txt, switches.txt; kept after the run
#
# Notes:
#   - The switches come from a small python3 loop over one keep-alive connection, not from curl: one curl process
#     per switch reached about 40 switches/s on an idle 2-core machine and about 16/s under wrk, well short of 100/s.
#   - count-backends.lua defines wrk's response() hook, which makes wrk hand every response to Lua: that slows wrk
#     down somewhat (on a 2-core machine the proxy, not wrk, was the bottleneck and the difference was lost in the
#     noise; on a faster set-up wrk alone would show more requests/s). The point of this run is errors and
#     switching, not peak throughput.
#   - Everything runs on one machine: wrk, the proxy, both backends and the switch loop share its cores, so the
#     latency figures include their contention.

set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd)
JAR=$REPO_ROOT/bluegreen-examples/target/bluegreen-examples.jar
LUA_SCRIPT=$SCRIPT_DIR/count-backends.lua
SWITCH_LOOP=$SCRIPT_DIR/switch-loop.py
HOST=127.0.0.1

BACKEND_BLUE_PORT=${BACKEND_BLUE_PORT:-19101}
BACKEND_GREEN_PORT=${BACKEND_GREEN_PORT:-19102}
PROXY_PORT=${PROXY_PORT:-19180}
ADMIN_PORT=${ADMIN_PORT:-19181}
PORT_TRIES=${PORT_TRIES:-20}
WARMUP=${WARMUP:-20}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
SWITCH_INTERVAL_MS=${SWITCH_INTERVAL_MS:-10}
MIN_SWITCHES=${MIN_SWITCHES:-1000}
BASELINE=${BASELINE:-0}
PROXY_ARGS=${PROXY_ARGS:-}
PROXY_JAVA_OPTS=${PROXY_JAVA_OPTS:-}
READY_TIMEOUT=${READY_TIMEOUT:-20}

PIDS=()          # the Java processes, stopped on exit
HELPER_PIDS=()   # wrk and the switch loop while they run, stopped first on exit
TAKEN_PORTS=" "  # ports picked so far, space-separated

say() {
    printf '[switch-under-load] %s\n' "$*"
}

die() {
    local code=$1
    shift
    printf '[switch-under-load] ERROR: %s\n' "$*" >&2
    exit "$code"
}

usage() {
    # The header comment, without the shebang and the leading "# ".
    sed -n '2,/^$/{/^$/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${HELPER_PIDS[@]}" "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    # The JVMs stop gracefully on SIGTERM; give everything 15 s in all, then kill what is left.
    local waited=0
    for pid in "${HELPER_PIDS[@]}" "${PIDS[@]}"; do
        while kill -0 "$pid" 2>/dev/null && ((waited < 150)); do
            sleep 0.1
            waited=$((waited + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "process $pid did not stop within 15 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    if [[ -n ${RUN_JAR:-} ]]; then
        rm -f "$RUN_JAR"
    fi
    if [[ -n ${LOG_DIR:-} ]]; then
        say "logs: $LOG_DIR"
    fi
    exit "$rc"
}

require_int() {
    # require_int NAME VALUE MIN
    if ! [[ $2 =~ ^[0-9]+$ ]] || ((10#$2 < $3)); then
        die 2 "$1=$2 (expected: a whole number >= $3)"
    fi
}

port_in_use() {
    # Something accepts connections there (a refused connect on loopback fails at once).
    (: <>"/dev/tcp/$HOST/$1") 2>/dev/null
}

pick_port() {
    # pick_port NAME BASE: prints the first port from BASE up that is free and not picked already.
    local name=$1 port=$2 tries=0
    while ((tries < PORT_TRIES)); do
        if ((port <= 65535)) && [[ $TAKEN_PORTS != *" $port "* ]] && ! port_in_use "$port"; then
            printf '%s\n' "$port"
            return 0
        fi
        port=$((port + 1))
        tries=$((tries + 1))
    done
    die 2 "$name: no free port in $2..$((port - 1)) (set ${name} to another base port)"
}

start_java() {
    # start_java LOG [JVM OPTIONS... --] ARGS...: starts the copy of the examples jar in the background; its pid goes
    # to PIDS.
    local log=$1
    local -a jvm=()
    shift
    if [[ " $* " == *" -- "* ]]; then
        while [[ $1 != -- ]]; do
            jvm+=("$1")
            shift
        done
        shift
    fi
    java "${jvm[@]}" -jar "$RUN_JAR" "$@" >"$log" 2>&1 &
    PIDS+=("$!")
}

time_wait_with_backends() {
    # Sockets in TIME_WAIT on connections between the proxy and the backends, on either side: the proxy's when it
    # closes first (an upstream connection closed and reopened), the backend's when the backend does (a health check
    # answered with Connection: close, unless the proxy resets it).
    ss -tan state time-wait "( dport = :$BLUE or dport = :$GREEN or sport = :$BLUE or sport = :$GREEN )" 2>/dev/null \
        | tail -n +2 | wc -l
}

CLK_TCK=$(getconf CLK_TCK)

cpu_ticks() {
    # cpu_ticks PID...: the user and system CPU time these processes have used so far, in clock ticks, read as
    # scripts/bench/compare-proxies.sh reads it: the fields after the command name (which may hold spaces), and 0 for
    # a process gone, so that a proxy that died is reported by the checks below rather than by an arithmetic error.
    local total=0 pid t
    for pid in "$@"; do
        t=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }') || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}

per_request_us() {
    # per_request_us TICKS REQUESTS: CPU microseconds per request.
    awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }'
}

run_wrk() {
    # run_wrk OUTPUT ARGS...: runs wrk in the background and waits for it, so that a SIGTERM or SIGINT to this
    # script is handled at once rather than when wrk ends (bash runs a trap only after the foreground command).
    # Returns wrk's exit status.
    local output=$1 rc=0
    shift
    wrk "$@" >"$output" 2>&1 &
    HELPER_PIDS=("$!" "${HELPER_PIDS[@]}")
    wait "${HELPER_PIDS[0]}" || rc=$?
    HELPER_PIDS=("${HELPER_PIDS[@]:1}")
    return "$rc"
}

wait_ready() {
    # wait_ready NAME PID URL LOG: polls URL until it answers at all (any status), the process dies or time is up.
    local name=$1 pid=$2 url=$3 log=$4
    local deadline=$((SECONDS + READY_TIMEOUT))
    until curl -s -o /dev/null --max-time 1 "$url"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$log" >&2 || true
            die 2 "$name exited while starting (log above, from $log)"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 20 "$log" >&2 || true
            die 2 "$name did not answer on $url within $READY_TIMEOUT s (log above, from $log)"
        fi
        sleep 0.1
    done
}

# shellcheck disable=SC2016 # the $1, $2... below are awk's fields
parse_wrk() {
    # parse_wrk FILE: prints, on one line, what wrk (and count-backends.lua) reported: requests, duration,
    # requests/s, non-2xx/3xx responses, socket errors connect/read/write/timeout, latency p50 and p99, responses
    # from blue, green and neither. A count wrk leaves out (it prints no "Non-2xx" or "Socket errors" line when
    # there were none) is 0; a value missing for another reason is "?".
    awk '
        / requests in / { requests = $1; seconds = $4; sub(/,$/, "", seconds) }
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        /Socket errors:/ { gsub(/,/, ""); connect = $4; read = $6; write = $8; timeout = $10 }
        /Latency Distribution/ { distribution = 1; next }
        distribution && $1 == "50%" { p50 = $2 }
        distribution && $1 == "99%" { p99 = $2; distribution = 0 }
        $1 == "X-Backend" && $2 == "blue:" { blue = $3 }
        $1 == "X-Backend" && $2 == "green:" { green = $3 }
        $1 == "X-Backend" && $2 == "(none):" { none = $3 }
        function value_or(value, default_value) { return value == "" ? default_value : value }
        END {
            print value_or(requests, "?"), value_or(seconds, "?"), value_or(rps, "?"), value_or(non2xx, 0),
                value_or(connect, 0), value_or(read, 0), value_or(write, 0), value_or(timeout, 0),
                value_or(p50, "?"), value_or(p99, "?"), value_or(blue, 0), value_or(green, 0), value_or(none, 0)
        }
    ' "$1"
}

# --- arguments and settings ---------------------------------------------------------------------------------------

case ${1:-} in
    "") ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        usage >&2
        die 2 "unknown argument: $1 (the settings are environment variables)"
        ;;
esac

require_int BACKEND_BLUE_PORT "$BACKEND_BLUE_PORT" 1
require_int BACKEND_GREEN_PORT "$BACKEND_GREEN_PORT" 1
require_int PROXY_PORT "$PROXY_PORT" 1
require_int ADMIN_PORT "$ADMIN_PORT" 1
require_int PORT_TRIES "$PORT_TRIES" 1
require_int WARMUP "$WARMUP" 0
require_int DURATION "$DURATION" 1
require_int CONNECTIONS "$CONNECTIONS" 1
require_int WRK_THREADS "$WRK_THREADS" 1
require_int SWITCH_INTERVAL_MS "$SWITCH_INTERVAL_MS" 0
require_int MIN_SWITCHES "$MIN_SWITCHES" 0
require_int BASELINE "$BASELINE" 0
require_int READY_TIMEOUT "$READY_TIMEOUT" 1
if ((CONNECTIONS < WRK_THREADS)); then
    die 2 "CONNECTIONS=$CONNECTIONS is below WRK_THREADS=$WRK_THREADS (wrk needs a connection per thread)"
fi

if ((SWITCH_INTERVAL_MS > 0 && DURATION * 1000 / SWITCH_INTERVAL_MS < MIN_SWITCHES)); then
    say "note: one switch every $SWITCH_INTERVAL_MS ms for $DURATION s makes at most" \
        "$((DURATION * 1000 / SWITCH_INTERVAL_MS)) switches, fewer than MIN_SWITCHES=$MIN_SWITCHES: this run will fail"
fi

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. tools and the jar -----------------------------------------------------------------------------------------

for tool in java curl python3 awk; do
    command -v "$tool" >/dev/null 2>&1 || die 2 "$tool is not installed; it is needed to run this script"
done
if ! command -v wrk >/dev/null 2>&1; then
    say "wrk is missing; installing it with apt-get"
    if ! { apt-get update -qq && apt-get install -y -qq wrk; }; then
        die 2 "could not install wrk with apt-get (that needs root on Debian or Ubuntu);" \
            "install wrk yourself and rerun"
    fi
    command -v wrk >/dev/null 2>&1 || die 2 "apt-get ran but wrk is still not on the PATH"
fi
if [[ ! -f $JAR ]]; then
    command -v mvn >/dev/null 2>&1 || die 2 "$JAR is missing and mvn is not installed to build it"
    say "building $JAR (mvn -B -q -DskipTests package)"
    (cd "$REPO_ROOT" && mvn -B -q -DskipTests package) || die 2 "the build failed"
    [[ -f $JAR ]] || die 2 "the build succeeded but $JAR is still missing"
fi

if [[ -z ${LOG_DIR:-} ]]; then
    LOG_DIR=$(mktemp -d /tmp/bluegreen-switch-under-load.XXXXXX)
else
    mkdir -p "$LOG_DIR"
fi

# Run from a copy: a JVM loads classes from its jar lazily, so a rebuild of the jar (mvn package in another shell)
# while this runs would break the running JVMs with NoClassDefFoundError.
RUN_JAR=$LOG_DIR/bluegreen-examples.jar
cp "$JAR" "$RUN_JAR"

# --- 2. backends and proxy ----------------------------------------------------------------------------------------

BLUE=$(pick_port BACKEND_BLUE_PORT "$BACKEND_BLUE_PORT")
TAKEN_PORTS+="$BLUE "
GREEN=$(pick_port BACKEND_GREEN_PORT "$BACKEND_GREEN_PORT")
TAKEN_PORTS+="$GREEN "
PROXY=$(pick_port PROXY_PORT "$PROXY_PORT")
TAKEN_PORTS+="$PROXY "
ADMIN=$(pick_port ADMIN_PORT "$ADMIN_PORT")
TAKEN_PORTS+="$ADMIN "
PROXY_URL=http://$HOST:$PROXY/
ADMIN_URL=http://$HOST:$ADMIN

say "starting backends blue on $HOST:$BLUE, green on $HOST:$GREEN; proxy on $HOST:$PROXY, admin on $HOST:$ADMIN"
start_java "$LOG_DIR/blue.log" backend --listen "$HOST:$BLUE" --name blue
BLUE_PID=${PIDS[-1]}
start_java "$LOG_DIR/green.log" backend --listen "$HOST:$GREEN" --name green
GREEN_PID=${PIDS[-1]}
# shellcheck disable=SC2086 # PROXY_JAVA_OPTS and PROXY_ARGS are lists of options
start_java "$LOG_DIR/proxy.log" $PROXY_JAVA_OPTS -- proxy --listen "$HOST:$PROXY" --blue "$HOST:$BLUE" \
    --green "$HOST:$GREEN" --admin "$HOST:$ADMIN" $PROXY_ARGS
PROXY_PID=${PIDS[-1]}

wait_ready "backend blue" "$BLUE_PID" "http://$HOST:$BLUE/" "$LOG_DIR/blue.log"
wait_ready "backend green" "$GREEN_PID" "http://$HOST:$GREEN/" "$LOG_DIR/green.log"
wait_ready "proxy" "$PROXY_PID" "$PROXY_URL" "$LOG_DIR/proxy.log"
wait_ready "admin endpoint" "$PROXY_PID" "$ADMIN_URL/status" "$LOG_DIR/proxy.log"
served_by=$(curl -s -D - -o /dev/null --max-time 5 "$PROXY_URL" | tr -d '\r' \
    | awk -F': ' 'tolower($1) == "x-backend" {print $2}')
[[ $served_by == blue ]] || die 2 "the proxy should answer from blue at the start, but X-Backend was '${served_by}'"
say "all up; the proxy answers from blue (proxy log: $LOG_DIR/proxy.log)"

# --- 3. warm-up ---------------------------------------------------------------------------------------------------

if ((WARMUP > 0)); then
    say "warming up: wrk -t$WRK_THREADS -c$CONNECTIONS -d${WARMUP}s $PROXY_URL, switching every $SWITCH_INTERVAL_MS ms"
    python3 "$SWITCH_LOOP" "$HOST:$ADMIN" "$SWITCH_INTERVAL_MS" >"$LOG_DIR/switches-warmup.txt" 2>&1 &
    HELPER_PIDS=("$!")
    run_wrk "$LOG_DIR/wrk-warmup.txt" -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$PROXY_URL" \
        || die 1 "the warm-up wrk failed: $(cat "$LOG_DIR/wrk-warmup.txt")"
    kill -TERM "${HELPER_PIDS[0]}" 2>/dev/null || true
    wait "${HELPER_PIDS[0]}" || die 1 "the warm-up's switches failed: $(cat "$LOG_DIR/switches-warmup.txt")"
    HELPER_PIDS=()
    # The measured loop starts with a switch to green: blue must be live again (refused if it already is).
    curl -s -o /dev/null -X POST --max-time 10 "$ADMIN_URL/switch?to=blue" || true
    curl -s --max-time 5 "$ADMIN_URL/status" | grep -q '"live":"blue"' \
        || die 1 "blue should be live after the warm-up: $(curl -s --max-time 5 "$ADMIN_URL/status")"
    read -r requests _ rps non2xx err_connect err_read err_write err_timeout _ < <(parse_wrk "$LOG_DIR/wrk-warmup.txt")
    say "warm-up: $requests requests, $rps requests/s, non-2xx/3xx: $non2xx," \
        "socket errors: connect $err_connect, read $err_read, write $err_write, timeout $err_timeout"
fi

# --- 4. load while switching (after the same load without, with BASELINE=1) ----------------------------------------

baseline_rps=""
if ((BASELINE == 1)); then
    say "baseline: wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency -s scripts/count-backends.lua" \
        "$PROXY_URL, no switching"
    proxy_ticks=$(cpu_ticks "$PROXY_PID")
    backend_ticks=$(cpu_ticks "$BLUE_PID" "$GREEN_PID")
    run_wrk "$LOG_DIR/wrk-baseline.txt" -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
        -s "$LUA_SCRIPT" "$PROXY_URL" || die 1 "the baseline wrk failed: $(cat "$LOG_DIR/wrk-baseline.txt")"
    read -r baseline_requests _ baseline_rps _ < <(parse_wrk "$LOG_DIR/wrk-baseline.txt")
    baseline_proxy_us=$(per_request_us $(($(cpu_ticks "$PROXY_PID") - proxy_ticks)) "$baseline_requests")
    baseline_backend_us=$(per_request_us $(($(cpu_ticks "$BLUE_PID" "$GREEN_PID") - backend_ticks)) \
        "$baseline_requests")
    say "baseline: $baseline_rps requests/s"
fi
time_wait_before=$(time_wait_with_backends)

say "load: wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency -s scripts/count-backends.lua $PROXY_URL," \
    "switching every $SWITCH_INTERVAL_MS ms"
python3 "$SWITCH_LOOP" "$HOST:$ADMIN" "$SWITCH_INTERVAL_MS" >"$LOG_DIR/switches.txt" 2>&1 &
HELPER_PIDS=("$!")
proxy_ticks=$(cpu_ticks "$PROXY_PID")
backend_ticks=$(cpu_ticks "$BLUE_PID" "$GREEN_PID")
wrk_rc=0
run_wrk "$LOG_DIR/wrk.txt" -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA_SCRIPT" \
    "$PROXY_URL" || wrk_rc=$?
proxy_ticks=$(($(cpu_ticks "$PROXY_PID") - proxy_ticks))
backend_ticks=$(($(cpu_ticks "$BLUE_PID" "$GREEN_PID") - backend_ticks))
# The loop finishes the switch under way, prints its counts and exits.
kill -TERM "${HELPER_PIDS[0]}" 2>/dev/null || true
switch_rc=0
wait "${HELPER_PIDS[0]}" || switch_rc=$?
HELPER_PIDS=()

time_wait_after=$(time_wait_with_backends)

# --- 5. report ----------------------------------------------------------------------------------------------------

echo
cat "$LOG_DIR/wrk.txt"
echo

WRK_OUT=$LOG_DIR/wrk.txt
read -r requests seconds rps non2xx err_connect err_read err_write err_timeout p50 p99 by_blue by_green by_none \
    < <(parse_wrk "$WRK_OUT")
socket_errors=$((err_connect + err_read + err_write + err_timeout))

switch_line=$(grep -m 1 '^switches ok=' "$LOG_DIR/switches.txt" || true)
switches_ok=$(sed -n 's/^switches ok=\([0-9]*\) .*/\1/p' <<<"$switch_line")
switches_failed=$(sed -n 's/^switches ok=[0-9]* failed=\([0-9]*\) .*/\1/p' <<<"$switch_line")
first_failure=$(sed -n 's/^switches .* first_failure=//p' <<<"$switch_line")
[[ $first_failure != "-" ]] || first_failure=""
proxy_warnings=$(grep -c -E '^[0-9:.]+ +(WARN|ERROR) ' "$LOG_DIR/proxy.log" || true)

row() {
    # row LABEL TEXT...
    printf '  %-34s %s\n' "$1" "${*:2}"
}
echo "summary"
row "duration" "$seconds (asked: ${DURATION}s, $CONNECTIONS connections, $WRK_THREADS threads)"
row "requests served" "$requests"
row "requests/s" "$rps"
row "non-2xx/3xx responses" "$non2xx"
row "socket errors" "$socket_errors (connect $err_connect, read $err_read, write $err_write, timeout $err_timeout)"
row "served by blue / green / neither" "$by_blue / $by_green / $by_none"
switch_rate=$(awk -v n="${switches_ok:-0}" -v s="$DURATION" 'BEGIN { printf "%.1f", n / s }')
row "switches done (HTTP 200)" "${switches_ok:-?} (about $switch_rate/s; minimum: $MIN_SWITCHES;" \
    "one every $SWITCH_INTERVAL_MS ms asked)"
row "failed switches" "${switches_failed:-?}${first_failure:+ (first: $first_failure)}"
row "latency p50 / p99" "$p50 / $p99"
cpu_line="$(per_request_us "$proxy_ticks" "$requests") / $(per_request_us "$backend_ticks" "$requests") µs switching"
if [[ -n $baseline_rps ]]; then
    row "requests/s without switching" "$baseline_rps (switching / not: $(awk -v a="$rps" -v b="$baseline_rps" \
        'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'); target: >= 0.8)"
    cpu_line="$cpu_line, $baseline_proxy_us / $baseline_backend_us µs not"
fi
row "CPU per request, proxy / backends" "$cpu_line (from /proc; the switches' own work included)"
row "TIME_WAIT proxy <-> backends" "$time_wait_before before the switching run, $time_wait_after after"
row "proxy log WARN/ERROR lines" "$proxy_warnings ($LOG_DIR/proxy.log)"
echo

failures=()
((wrk_rc == 0)) || failures+=("wrk exited with $wrk_rc")
if [[ $requests == "?" || $rps == "?" ]]; then
    failures+=("could not read wrk's report ($WRK_OUT)")
fi
if ((switch_rc != 0)) || [[ -z $switches_ok ]]; then
    failures+=("the switch loop failed (exit $switch_rc): $(cat "$LOG_DIR/switches.txt")")
fi
((non2xx == 0)) || failures+=("$non2xx non-2xx/3xx responses")
((socket_errors == 0)) || failures+=("$socket_errors socket errors")
((${switches_ok:-0} >= MIN_SWITCHES)) || failures+=("only ${switches_ok:-0} switches (expected: >= $MIN_SWITCHES)")
((by_blue > 0 && by_green > 0)) || failures+=("not both colours served requests (blue $by_blue, green $by_green)")

if ((${#failures[@]} > 0)); then
    for failure in "${failures[@]}"; do
        say "FAIL: $failure"
    done
    exit 1
fi
say "PASS: every response 2xx/3xx, no socket errors, ${switches_ok} switches, both colours served"
