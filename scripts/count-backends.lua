-- wrk script: counts the responses per X-Backend header value (blue, green, ...) and per status, and prints both
-- when wrk is done, so that a run shows which colours served it. Used by switch-under-load.sh:
--
--   wrk -t2 -c64 -d20s --latency -s scripts/count-backends.lua http://127.0.0.1:19180/
--
-- It prints, after wrk's own report:
--
--   X-Backend blue: 123456
--   X-Backend green: 123457
--   status 200: 246913
--
-- A response without the header (the proxy's own 502, 503 or 504 has none) counts as "(none)".
--
-- Defining response() makes wrk parse every response's headers into a Lua table and call this script for each
-- response, which slows wrk down somewhat; fine here, where the point is errors and both colours, not peak
-- throughput.

local threads = {}

-- Runs in the main Lua state, once per thread, before the run: remember each thread to read its counts in done().
function setup(thread)
  table.insert(threads, thread)
end

-- From here to done(), each wrk thread runs its own copy of this script, with its own tables.
backends = {}
statuses = {}

function response(status, headers, body)
  local name = "(none)"
  for key, value in pairs(headers) do
    if string.lower(key) == "x-backend" then
      name = value
      break
    end
  end
  backends[name] = (backends[name] or 0) + 1
  statuses[status] = (statuses[status] or 0) + 1
end

local function add(into, from)
  for key, count in pairs(from or {}) do
    into[key] = (into[key] or 0) + count
  end
end

local function print_sorted(label, counts)
  local keys = {}
  for key in pairs(counts) do
    table.insert(keys, key)
  end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, key in ipairs(keys) do
    io.write(string.format("%s %s: %d\n", label, tostring(key), counts[key]))
  end
end

-- Runs in the main Lua state after the run: add up what each thread counted.
function done(summary, latency, requests)
  local all_backends = {}
  local all_statuses = {}
  for _, thread in ipairs(threads) do
    add(all_backends, thread:get("backends"))
    add(all_statuses, thread:get("statuses"))
  end
  print_sorted("X-Backend", all_backends)
  print_sorted("status", all_statuses)
end
