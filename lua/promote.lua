-- One promoter step for one concert: expire overdue READY/ACTIVE entries, then admit waiting
-- users in arrival order while READY + ACTIVE stays under activeLimit, at most admitPerSecond.
-- Safe to run from any number of instances at once: each run is atomic and the admission
-- budget is a token bucket stored with the concert, not in any one process.
-- ARGV[1] most entries to expire or admit in this run (bounds the time Redis is blocked)
-- Returns {admitted, expired}
local batch = tonumber(ARGV[1])
local now = now_ms()

local expired = 0
for _, set in ipairs({K_READY, K_ACTIVE}) do
  local overdue = redis.call('ZRANGEBYSCORE', set, '-inf', now, 'LIMIT', 0, batch)
  for _, entry_id in ipairs(overdue) do
    end_entry(entry_id, set, 'expired')
    expired = expired + 1
  end
end

local policy = redis.call('HMGET', K_POLICY, 'activeLimit', 'admitPerSecond', 'readyTtlSeconds', 'paused', 'admitCredit', 'admitCreditAt')
local limit, rate, ready_ttl = tonumber(policy[1]), tonumber(policy[2]), tonumber(policy[3])
if policy[4] == '1' or not limit then return {0, expired} end

-- Token bucket: credit accrues at `rate` per second up to one second's worth.
local credit = tonumber(policy[5] or rate)
local credit_at = tonumber(policy[6] or now)
credit = math.min(rate, credit + (now - credit_at) * rate / 1000)

local free = limit - redis.call('ZCARD', K_READY) - redis.call('ZCARD', K_ACTIVE)
local n = math.min(math.floor(credit), free, batch)
local admitted = 0
if n > 0 then
  local popped = redis.call('ZPOPMIN', K_WAITING, n)
  local deadline = now + ready_ttl * 1000
  for i = 1, #popped, 2 do
    redis.call('ZADD', K_READY, deadline, popped[i])
    admitted = admitted + 1
  end
end
redis.call('HSET', K_POLICY, 'admitCredit', tostring(credit - admitted), 'admitCreditAt', now)
if admitted > 0 then redis.call('HINCRBY', K_STATS, 'admitted', admitted) end
return {admitted, expired}
