-- POST with a fresh Idempotency-Key per request: wrk -s bench/wrk/post.lua <url>
-- The body comes from BENCH_BODY, the keys' prefix from BENCH_KEY_PREFIX (one per run), so no
-- two requests of any run share a key and none is answered from the idempotency record.
local prefix = os.getenv("BENCH_KEY_PREFIX") or tostring(os.time())
local body = os.getenv("BENCH_BODY") or "{}"
local threads = 0
local sent = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  sent = sent + 1
  wrk.headers["Idempotency-Key"] = prefix .. "-" .. thread_number .. "-" .. sent
  return wrk.format()
end
