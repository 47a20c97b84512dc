-- wrk script for tools/bench/gateway: Connect unary JSON calls to intake through the gateway.
--   wrk ... -s tools/bench/gateway.lua URL -- get    TOKEN_FILE NUMBERS_FILE
--   wrk ... -s tools/bench/gateway.lua URL -- submit TOKEN_FILE RUN_ID OCCURRED_AT
-- get: GetComplaint, cycling through the complaint numbers of NUMBERS_FILE (one a line; each
-- thread starts elsewhere in the list). submit: SubmitComplaint with a request id unique per call
-- (RUN_ID-thread-n) and the same shapes as tools/loadgen's submissions (eight projects, three
-- departments). Both send the customer's token of TOKEN_FILE. At the end one line for the script:
--   wrk-result requests=N duration_us=N non2xx=N connect=N read=N write=N timeout=N p50_us=N ...

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local function read_file(path)
  local f = assert(io.open(path, "r"), "cannot open " .. path)
  local text = f:read("*a")
  f:close()
  return text
end

local mode, headers, requests, next_request, run_id, occurred_at, n

local projects = {"翠湖花园", "锦绣江南", "滨江一号", "云栖山庄", "星河湾", "御景台", "书香府",
                  "海棠苑"}
-- Category and the journey stage it implies, as tools/loadgen/submissions.cc.
local departments = {
  {"CATEGORY_PROPERTY_SERVICE", "JOURNEY_STAGE_PROPERTY_SERVICE"},
  {"CATEGORY_SALES_SERVICE", "JOURNEY_STAGE_SALE"},
  {"CATEGORY_HANDOVER", "JOURNEY_STAGE_HANDOVER"},
}

function init(args)
  mode = args[1]
  local token = read_file(args[2]):gsub("%s+", "")
  headers = {
    ["Content-Type"] = "application/json",
    ["Connect-Protocol-Version"] = "1",
    ["Authorization"] = "Bearer " .. token,
  }
  if mode == "get" then
    -- Every request formatted once; the list rotated so threads do not read in step.
    local numbers = {}
    for number in read_file(args[3]):gmatch("%S+") do table.insert(numbers, number) end
    assert(#numbers > 0, "no complaint numbers in " .. args[3])
    requests = {}
    for i = 1, #numbers do
      local number = numbers[(i + thread_index * 37) % #numbers + 1]
      requests[i] = wrk.format("POST", "/complaints.intake.v1.IntakeService/GetComplaint", headers,
                               '{"number":"' .. number .. '"}')
    end
    next_request = 0
  elseif mode == "submit" then
    run_id, occurred_at, n = args[3], args[4], 0
  else
    error("mode must be get or submit, not " .. tostring(mode))
  end
end

local function submission(i)
  local d = departments[i % #departments + 1]
  return string.format(
    '{"requestId":"%s-%d-%d","complaint":{"customerName":"张三","customerPhone":"139%08d",' ..
    '"project":"%s","building":"3栋","unit":"%d",' ..
    '"description":"小区电梯经常停运，物业维修响应很慢，老人上下楼十分不便，请尽快处理",' ..
    '"occurredAt":"%s","severity":"SEVERITY_MEDIUM","expectedResolution":"尽快修复电梯并说明原因",' ..
    '"channel":"CHANNEL_WEB","journeyStage":"%s","staffCategory":"%s"}}',
    run_id, thread_index, i, i % 100000000, projects[i % #projects + 1], 1000 + i % 2000,
    occurred_at, d[2], d[1])
end

function request()
  if mode == "get" then
    next_request = next_request % #requests + 1
    return requests[next_request]
  end
  n = n + 1
  return wrk.format("POST", "/complaints.intake.v1.IntakeService/SubmitComplaint", headers,
                    submission(n))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "wrk-result requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d " ..
    "p50_us=%d p99_us=%d p999_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
