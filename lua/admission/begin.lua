-- First step of a promoter run on a sharded room: expire overdue READY/ACTIVE entries (as
-- promote.lua does), then begin an admission batch, or take over one whose promoter stopped.
-- ARGV[1] budget: most entries to expire plus admit, ARGV[2] burst seconds of the token bucket,
-- ARGV[3] rate window ms, ARGV[4] lease ms, ARGV[5] this run's owner id, ARGV[6] '1' when the
-- promoter just saw fans waiting on the shards ('0': no batch begins)
-- Returns {outcome, expired, batch or false, n, plan or false, shard copy (field/value pairs)}:
--   'BATCH': a new batch may let in n fans: cut the shards, plan, take, commit;
--   'RESUME': a batch whose lease ran out is now this run's: plan is its plan if it had one;
--   'BUSY': another run's batch holds its lease; 'IDLE': nobody can be let in now (paused, before
--   the sale, no capacity, no credit, budget spent on expiry, nobody waiting)
local budget, burst, window, lease, owner = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local anyone_waiting = ARGV[6] == '1'
local now = now_ms()

local expired = 0
for _, set in ipairs({K_READY, K_ACTIVE}) do
  if expired < budget then
    local overdue = redis.call('ZRANGEBYSCORE', set, '-inf', now, 'LIMIT', 0, budget - expired)
    end_entries(overdue, set, 'expired')
    expired = expired + #overdue
  end
end
local copy = shard_copy()

local j = redis.call('HMGET', K_JOURNAL, 'batch', 'lease', 'n', 'plan')
if j[1] then
  if tonumber(j[2]) > now then return {'BUSY', expired, j[1], 0, false, copy} end
  redis.call('HSET', K_JOURNAL, 'owner', owner, 'lease', now + lease)
  return {'RESUME', expired, j[1], tonumber(j[3]), j[4] or false, copy}
end

local p = redis.call('HMGET', K_POLICY, 'activeLimit', 'admitPerSecond', 'paused', 'admitCredit', 'admitCreditAt')
local limit, rate = tonumber(p[1]), tonumber(p[2])
if not limit then return {'IDLE', expired, false, 0, false, copy} end
local paused = p[3] == '1' or sale_starts_after(now) ~= nil
local n = 0
if not paused then
  local cap = rate * math.max(1, burst)
  local credit = math.min(cap, tonumber(p[4] or cap) + (now - tonumber(p[5] or now)) * rate / 1000)
  local free = limit - redis.call('ZCARD', K_READY) - redis.call('ZCARD', K_ACTIVE)
  n = math.max(0, math.min(math.floor(credit), free, budget - expired))
end
-- Nobody waits on the shards (the promoter counted them just before): no batch to begin.
if not anyone_waiting then n = 0 end
if n == 0 then
  keep_the_books(now, 0, paused, burst, window, anyone_waiting)
  return {'IDLE', expired, false, 0, false, copy}
end
-- Batch ids are the home master's clock in µs, above the last one: never reused, even by a
-- replica promoted after the counter's last write was lost.
local batch = math.max(now_us(), (tonumber(redis.call('HGET', K_POLICY, 'lastBatch')) or 0) + 1)
redis.call('HSET', K_POLICY, 'lastBatch', batch)
redis.call('HSET', K_JOURNAL, 'batch', batch, 'owner', owner, 'lease', now + lease, 'n', n)
return {'BATCH', expired, batch, n, false, copy}
