#!/usr/bin/env bash
# Round robin beside least requests, in front of a fast and a slow backend: what each load balancing does to
# throughput and latency when one backend of the pool is slower than the other (a pause, a slower machine, a long
# query). Not a measure of the proxy's own cost (the backends, in Python, are the bottleneck): a demonstration of the
# behaviour, each setting in the same conditions, one after the other.
#
#   scripts/bench/balancing.sh                      # fast 1 ms, slow 50 ms, wrk -c32 for 8 s each
#   FAST_DELAY=0.001 SLOW_DELAY=0.2 CONNECTIONS=64 DURATION=10 scripts/bench/balancing.sh
#
# Needs wrk, python3, curl and java; builds bluegreen-examples/target/bluegreen-examples.jar when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
FAST_DELAY=${FAST_DELAY:-0.001}
SLOW_DELAY=${SLOW_DELAY:-0.050}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-8}
JAR=${BLUEGREEN_JAR:-bluegreen-examples/target/bluegreen-examples.jar}
FAST_PORT=19101 SLOW_PORT=19102 PROXY_PORT=18080
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
[ -f "$JAR" ] || mvn -B -q -DskipTests package
OUT=$(mktemp -d /tmp/bluegreen-balancing-XXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
python3 scripts/bench/delay_backend.py $FAST_PORT "$FAST_DELAY" fast & pids+=($!)
python3 scripts/bench/delay_backend.py $SLOW_PORT "$SLOW_DELAY" slow & pids+=($!)
count() { curl -sf "http://127.0.0.1:$1/count"; }
until count $FAST_PORT >/dev/null 2>&1 && count $SLOW_PORT >/dev/null 2>&1; do sleep 0.1; done

printf '%-15s %10s %10s %10s %12s %12s\n' balancing req/s p50 p99 "fast served" "slow served"
for balancing in round-robin least-requests; do
    java -jar "$JAR" proxy --listen 127.0.0.1:$PROXY_PORT --no-health-checks \
        --blue 127.0.0.1:$FAST_PORT,127.0.0.1:$SLOW_PORT --load-balancing $balancing \
        > "$OUT/proxy-$balancing.log" 2>&1 &
    proxy=$!
    pids+=($proxy)
    until curl -sf -o /dev/null "http://127.0.0.1:$PROXY_PORT/"; do sleep 0.2; done
    wrk -t2 -c"$CONNECTIONS" -d3s "http://127.0.0.1:$PROXY_PORT/" > /dev/null    # warm-up
    fast=$(count $FAST_PORT); slow=$(count $SLOW_PORT)
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PROXY_PORT/" > "$OUT/wrk-$balancing.txt"
    fast=$(( $(count $FAST_PORT) - fast )); slow=$(( $(count $SLOW_PORT) - slow ))
    printf '%-15s %10s %10s %10s %12s %12s\n' $balancing \
        "$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$balancing.txt")" \
        "$(awk '$1 == "50%" {print $2}' "$OUT/wrk-$balancing.txt")" \
        "$(awk '$1 == "99%" {print $2}' "$OUT/wrk-$balancing.txt")" "$fast" "$slow"
    if grep -q "Non-2xx" "$OUT/wrk-$balancing.txt"; then grep "Non-2xx" "$OUT/wrk-$balancing.txt"; fi
    kill $proxy; wait $proxy 2>/dev/null || true
done
echo "wrk output and proxy logs: $OUT"
