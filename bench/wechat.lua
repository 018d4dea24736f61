-- wrk script: 32 connections act as WeChat's servers for many citizens.
-- Each request is a signed (plaintext-mode) text message from one of SENDERS OpenIDs, walking
-- through the intake conversation; RETRY_PCT of requests repeat the previous MsgId of their
-- connection (WeChat's retry after a 5 s silence), with the same signed query, as WeChat does.
-- PATHS and PER_THREAD are set by the driver: signed paths (each its own nonce, as WeChat signs
-- each push: the app refuses a (timestamp, nonce) under a second body), PER_THREAD for each thread.
local counter = 0
local threads = {}
local script = {
  "我是下汤镇林楼村的张三，小区水泵坏了三天没水",
  "13812345678",
  "确认",
  "查询",
}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
  last_body = nil
  last_path = nil
  step = {}
end

local function xml(openid, text, msgid)
  return "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[" .. openid ..
    "]]></FromUserName><CreateTime>" .. os.time() .. "</CreateTime><MsgType><![CDATA[text]]></MsgType>" ..
    "<Content><![CDATA[" .. text .. "]]></Content><MsgId>" .. msgid .. "</MsgId></xml>"
end

function request()
  if last_body ~= nil and math.random(100) <= RETRY_PCT then
    return wrk.format("POST", last_path, {["Content-Type"] = "text/xml"}, last_body)
  end
  counter = counter + 1
  last_path = PATHS[(tid - 1) * PER_THREAD + (counter - 1) % PER_THREAD + 1]
  local sender = math.random(SENDERS)
  local s = (step[sender] or 0) % #script + 1
  step[sender] = s
  local msgid = tid * 100000000 + counter
  last_body = xml("o_bench_" .. tid .. "_" .. sender, script[s], msgid)
  return wrk.format("POST", last_path, {["Content-Type"] = "text/xml"}, last_body)
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("LATENCY p50=%.2fms p99=%.2fms max=%.2fms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
