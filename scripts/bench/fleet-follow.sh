#!/usr/bin/env bash
# How long a fleet of standalone proxies sharing one ZooKeeper takes to follow a switch: from the 200 of a switch
# through instance A until B and C serve the new colour. See scripts/bench/README.md.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/bench/fleet-follow.sh [options]

Starts one ZooKeeper server (Debian's zookeeper package, installed with apt-get when missing), two demo backends
(blue and green) and INSTANCES standalone proxies sharing the routing state through ZooKeeper, all on 127.0.0.1.
Then switches the fleet back and forth through the first instance's admin endpoint and, after each switch's 200,
polls the other instances until each serves the new colour. Prints p50/p90/p99/max of the time until every
follower serves it.

options
  --switches N   measured switches (default: 60)
  --warmup N     unmeasured switches first, while the JVMs compile the paths (default: 300, about 30-40 s:
                 measured cold, every figure is about twice as high)
  --instances N  proxies in the fleet, the writer included (default: 3); 1 polls the writer itself, for the part
                 of the figure that is the data plane's first request after a switch, without any following
  -h, --help     this text

environment (defaults in brackets)
  JAVA_OPTS      [] options for the proxies' JVMs
  PROXY_ARGS     [] more options for every proxy, e.g. --no-health-checks
  BLUEGREEN_JAR  [bluegreen-examples/target/bluegreen-examples.jar] built with mvn package when missing
  BLUEGREEN_REV  [git HEAD] what the report says the jar was built from
  BASE_PORT      [19800] ports BASE_PORT..BASE_PORT+2*INSTANCES+3 on 127.0.0.1 are used
  PAUSE_MS       [50] pause between two switches
  BACKENDS       [java] java: two demo backend JVMs (bluegreen's own "backend" command); nginx: one nginx serving
                 both colours (installed with apt-get when missing), which leaves the cores of a small machine to
                 the proxies and ZooKeeper, as backends on machines of their own would
  PROBE          [listener] listener: a follower follows when its proxy answers from the new colour (GET / through
                 it); status: when its admin endpoint's GET /status shows the new live colour (the snapshot served,
                 without the data plane's first request to the new colour)
  ZK_CONFIG      [] more lines for ZooKeeper's zoo.cfg, e.g. 'forceSync=no' (to see what its fsyncs cost)
  OUT            [/tmp/bluegreen-fleet-follow-DATE] where results and logs go

Exit status 1 if a follower did not serve a new colour within 10 s.
EOF
}

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

SWITCHES=${SWITCHES:-60}
WARMUP=${WARMUP:-300}
INSTANCES=${INSTANCES:-3}
JAVA_OPTS=${JAVA_OPTS:-}
PROXY_ARGS=${PROXY_ARGS:-}
BLUEGREEN_JAR=${BLUEGREEN_JAR:-$ROOT/bluegreen-examples/target/bluegreen-examples.jar}
BLUEGREEN_REV=${BLUEGREEN_REV:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')}
BASE_PORT=${BASE_PORT:-19800}
PAUSE_MS=${PAUSE_MS:-50}
PROBE=${PROBE:-listener}
BACKENDS=${BACKENDS:-java}
ZK_CONFIG=${ZK_CONFIG:-}
OUT=${OUT:-/tmp/bluegreen-fleet-follow-$(date +%Y%m%d-%H%M%S)}

while [ $# -gt 0 ]; do
    case "$1" in
        --switches) SWITCHES=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --instances) INSTANCES=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ "$INSTANCES" -lt 1 ]; then
    echo "--instances: $INSTANCES (expected: at least 1)" >&2
    exit 2
fi

PIDS=()
cleanup() {
    # Last started first: the proxies stop before ZooKeeper, so their logs end without reconnection noise.
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill "${PIDS[$i]}" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

# ZooKeeper: Debian's package, run in the foreground with a config of our own (nothing system-wide is started).
ZK_JAR=/usr/share/java/zookeeper.jar
if [ ! -f "$ZK_JAR" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zookeeper
fi
command -v python3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3; }
if [ ! -f "$BLUEGREEN_JAR" ]; then
    (cd "$ROOT" && mvn -B -q -DskipTests -pl bluegreen-examples -am package)
fi

mkdir -p "$OUT/zk-data" "$OUT/logs"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
ZK_PORT=$BASE_PORT
BLUE_PORT=$((BASE_PORT + 1))
GREEN_PORT=$((BASE_PORT + 2))
cat > "$OUT/zoo.cfg" <<EOF
tickTime=2000
dataDir=$OUT/zk-data
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
maxClientCnxns=0
4lw.commands.whitelist=ruok
$ZK_CONFIG
EOF

wait_for() { # wait_for WHAT COMMAND...: until the command succeeds, at most 60 s
    local what=$1; shift
    for _ in $(seq 1 600); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "$what did not come up; logs in $OUT/logs" >&2
    exit 1
}
zk_ok() { python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$ZK_PORT),1); s.sendall(b'ruok'); sys.exit(0 if s.recv(4)==b'imok' else 1)"; }
http_ok() { python3 -c "import urllib.request,sys; urllib.request.urlopen('$1', timeout=1)"; }

java -cp /etc/zookeeper/conf:$ZK_JAR org.apache.zookeeper.server.ZooKeeperServerMain "$OUT/zoo.cfg" \
    > "$OUT/logs/zookeeper.log" 2>&1 &
PIDS+=($!)
CPU="zookeeper=$!"
wait_for "ZooKeeper on 127.0.0.1:$ZK_PORT" zk_ok

case "$BACKENDS" in
    java)
        java -jar "$BLUEGREEN_JAR" backend --name blue --listen 127.0.0.1:$BLUE_PORT > "$OUT/logs/blue.log" 2>&1 &
        PIDS+=($!)
        CPU="$CPU,blue=$!"
        java -jar "$BLUEGREEN_JAR" backend --name green --listen 127.0.0.1:$GREEN_PORT > "$OUT/logs/green.log" 2>&1 &
        PIDS+=($!)
        CPU="$CPU,green=$!"
        ;;
    nginx)
        command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }
        mkdir -p "$OUT/nginx"
        {
            [ "$(id -u)" = 0 ] && echo "user root root;"
            cat <<EOF
daemon off;
worker_processes 1;
pid $OUT/nginx/nginx.pid;
error_log $OUT/logs/nginx.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    # Answers as the demo backends do: the colour in X-Backend, on every path (/health included).
    server { listen 127.0.0.1:$BLUE_PORT; location / { add_header X-Backend blue always; return 200 "blue\n"; } }
    server { listen 127.0.0.1:$GREEN_PORT; location / { add_header X-Backend green always; return 200 "green\n"; } }
}
EOF
        } > "$OUT/nginx/nginx.conf"
        nginx -p "$OUT/nginx" -e "$OUT/logs/nginx.log" -c "$OUT/nginx/nginx.conf" > "$OUT/logs/nginx-out.log" 2>&1 &
        PIDS+=($!)
        CPU="$CPU,nginx=$!"
        ;;
    *)
        echo "BACKENDS: $BACKENDS (expected: java or nginx)" >&2
        exit 2
        ;;
esac
wait_for "the blue backend" http_ok "http://127.0.0.1:$BLUE_PORT/health"
wait_for "the green backend" http_ok "http://127.0.0.1:$GREEN_PORT/health"

ZK_PATH=/fleet-follow-$(date +%s)-$$
FOLLOWERS=()
for i in $(seq 1 "$INSTANCES"); do
    listen=$((BASE_PORT + 2 + 2 * i - 1))
    admin=$((BASE_PORT + 2 + 2 * i))
    id=$(printf "\\x$(printf %x $((64 + i)))")  # A, B, C...
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$BLUEGREEN_JAR" proxy --listen 127.0.0.1:$listen --admin 127.0.0.1:$admin \
        --blue 127.0.0.1:$BLUE_PORT --green 127.0.0.1:$GREEN_PORT \
        --zookeeper 127.0.0.1:$ZK_PORT --zk-path "$ZK_PATH" --zk-instance "$id" $PROXY_ARGS \
        > "$OUT/logs/proxy-$id.log" 2>&1 &
    PIDS+=($!)
    CPU="$CPU,$id=$!"
    # One after the other: the first creates the znode, the others adopt it.
    wait_for "proxy $id" http_ok "http://127.0.0.1:$admin/status"
    if [ "$i" -eq 1 ]; then
        WRITER_ADMIN=127.0.0.1:$admin
        if [ "$INSTANCES" -eq 1 ] && [ "$PROBE" = status ]; then
            FOLLOWERS+=("127.0.0.1:$admin")
        elif [ "$INSTANCES" -eq 1 ]; then
            FOLLOWERS+=("127.0.0.1:$listen")
        fi
    elif [ "$PROBE" = status ]; then
        FOLLOWERS+=("127.0.0.1:$admin")
    else
        FOLLOWERS+=("127.0.0.1:$listen")
    fi
done

set +e
python3 "$HERE/fleet_follow.py" --admin "$WRITER_ADMIN" --followers "$(IFS=,; echo "${FOLLOWERS[*]}")" \
    --switches "$SWITCHES" --warmup "$WARMUP" --pause-ms "$PAUSE_MS" --probe "$PROBE" --cpu "$CPU" --out "$OUT/samples.tsv" > "$OUT/driver.txt" 2>&1
status=$?
set -e
{
    echo "# fleet follow latency — $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- machine: $(nproc) cores, load average at start $LOAD"
    echo "- bluegreen $BLUEGREEN_REV ($(basename "$BLUEGREEN_JAR"), $(java -version 2>&1 | head -1)),"\
         "JAVA_OPTS='$JAVA_OPTS', PROXY_ARGS='$PROXY_ARGS'"
    echo "- ZooKeeper $(dpkg-query -W -f '${Version}' zookeeper 2>/dev/null || echo '?') (Debian), one server${ZK_CONFIG:+ ($ZK_CONFIG)};"\
         "$INSTANCES proxies; backends $BACKENDS; $WARMUP unmeasured then $SWITCHES measured switches, $PAUSE_MS ms apart; probe $PROBE"
    echo
    echo '```'
    cat "$OUT/driver.txt"
    echo '```'
} | tee "$OUT/summary.md"
echo "samples: $OUT/samples.tsv, logs: $OUT/logs"
exit "$status"
