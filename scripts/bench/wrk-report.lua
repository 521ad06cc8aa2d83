-- Prints one machine-readable line at the end of a wrk run; compare-proxies.sh parses it.
-- Without WRK_PACE_MS only done() is defined, so wrk keeps its fast path (no per-request Lua). With WRK_PACE_MS=N
-- (N > 0) each connection waits N ms after every response before it sends its next request: a set pace.
local pace = tonumber(os.getenv("WRK_PACE_MS") or "") or 0
if pace > 0 then
  delay = function()
    return pace
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
