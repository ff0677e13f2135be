-- wrk script: POST /alive heartbeats cycling over 10,000 distinct targets (10.0.x.y:8080), each
-- announcing an app target too, as cSidecar does.
local counter = 0
local targets = tonumber(os.getenv("TARGETS") or "10000")

function setup(thread)
  thread:set("offset", counter * 5003)
  counter = counter + 1
end

function init(args)
  i = offset or 0
end

request = function()
  i = (i + 1) % targets
  local host = string.format("10.%d.%d.%d", math.floor(i / 65536) % 256, math.floor(i / 256) % 256, i % 256)
  local body = string.format(
    '{"cluster":"bench","function":"gifmachine","taskID":"task-%d","localIP":"%s:8080","publicIP":"","gitBranch":"main","targets":["%s:4567"]}',
    i, host, host)
  return wrk.format("POST", "/alive", {["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("heartbeats/s: %.0f  errors: %d  p50: %.2f ms  p99: %.2f ms  requests: %d\n",
    summary.requests / (summary.duration / 1e6), errors, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests))
end
