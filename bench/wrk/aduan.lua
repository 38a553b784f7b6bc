-- wrk script of `bench/embedded.py`. BENCH_MODE says what each request is:
--   get         the URL as given, the same every time
--   vary        the URL with a different query parameter each time (defeats any cache)
--   api_create  POST /api/v1/reports, multipart, a fresh Idempotency-Key and text each time
--   open311     POST /open311/v2/requests.json, form-encoded, a fresh text each time
-- BENCH_RUN (unique per measurement), BENCH_TOKEN (API bearer token), BENCH_API_KEY (Open311).
-- `done` prints one line "BENCH {json}" with the counts and the latency percentiles (µs).

local mode = os.getenv("BENCH_MODE") or "get"
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local token = os.getenv("BENCH_TOKEN") or ""
local api_key = os.getenv("BENCH_API_KEY") or ""
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

local function unique()
  counter = counter + 1
  return run .. "-" .. tostring(thread_id) .. "-" .. tostring(counter)
end

local boundary = "aduanbenchboundary7MA4YWxkTrZu0gW"

local function multipart(fields)
  local parts = {}
  for _, field in ipairs(fields) do
    table.insert(parts, "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" ..
      field[1] .. "\"\r\n\r\n" .. field[2] .. "\r\n")
  end
  table.insert(parts, "--" .. boundary .. "--\r\n")
  return table.concat(parts)
end

if mode == "vary" then
  request = function()
    local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
    return wrk.format("GET", wrk.path .. sep .. "n=" .. unique())
  end
elseif mode == "api_create" then
  request = function()
    local n = unique()
    local body = multipart({
      {"title", "Jalan berlubang di depan pasar " .. n},
      {"classification", "complaint"},
      {"description", "Kemarin pagi lubang besar di jalan depan pasar membuat motor jatuh (" .. n .. ")."},
      {"village", "52.04.08.1004"},
    })
    return wrk.format("POST", "/api/v1/reports", {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
      ["Idempotency-Key"] = n,
    }, body)
  end
elseif mode == "open311" then
  request = function()
    local n = unique()
    local body = "api_key=" .. api_key .. "&service_code=infrastruktur-jalan&lat=-8.49&long=117.42" ..
      "&description=Lubang+besar+di+jalan+depan+pasar%2C+kemarin+pagi+motor+jatuh+" .. n ..
      "&attribute%5Bstatus-jalan%5D=kabupaten&email=bench%40bench.invalid"
    return wrk.format("POST", "/open311/v2/requests.json", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "errors_connect": %d, "errors_read": %d, ' ..
    '"errors_write": %d, "errors_status": %d, "errors_timeout": %d, "p50_us": %d, ' ..
    '"p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean))
end
