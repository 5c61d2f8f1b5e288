-- One promoter step for one concert: expire overdue READY/ACTIVE entries, then admit waiting
-- users in arrival order while READY + ACTIVE stays within activeLimit, at most admitPerSecond,
-- and keep the measured admission rate that wait estimates are based on.
-- Safe to run from any number of instances at once: each run is atomic, and the admission
-- budget is a token bucket stored with the concert, not in any one process.
-- ARGV[1] budget: most entries this run may expire plus admit; bounds how long Redis is blocked
-- ARGV[2] burst: token-bucket capacity in seconds of admitPerSecond (the promoter interval)
-- ARGV[3] length of one rate-measuring window, ms
-- Returns {admitted, expired, more (1 when the budget ran out), {enter-to-READY ms of each admitted},
--   1 when the room is sharded (nothing admitted: lua/admission/ admits it)}
local budget, burst, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_ms()

local expired = 0
for _, set in ipairs({K_READY, K_ACTIVE}) do
  if expired < budget then
    local overdue = redis.call('ZRANGEBYSCORE', set, '-inf', now, 'LIMIT', 0, budget - expired)
    end_entries(overdue, set, 'expired')
    expired = expired + #overdue
  end
end

local p = redis.call('HMGET', K_POLICY, 'activeLimit', 'admitPerSecond', 'readyTtlSeconds', 'paused',
  'admitCredit', 'admitCreditAt', 'rateWindowAt', 'rateWindowBase', 'measuredRate', 'shards')
local limit, rate, ready_ttl = tonumber(p[1]), tonumber(p[2]), tonumber(p[3])
if not limit then return {0, expired, 0, {}} end
-- A room spread over shards is admitted by lua/admission/ (its waiting fans are not here).
if (tonumber(p[10]) or 1) > 1 then return {0, expired, 0, {}, 1} end
local paused = p[4] == '1'
-- Before the sale starts nobody is let in (expiry goes on), as while paused.
if sale_starts_after(now) then paused = true end

local admitted, latencies = 0, {}
if not paused then
  -- Token bucket: credit accrues at `rate` per second, up to one promoter interval's worth, so
  -- admissions never exceed admitPerSecond however many promoters run.
  local cap = rate * math.max(1, burst)
  local credit = math.min(cap, tonumber(p[5] or cap) + (now - tonumber(p[6] or now)) * rate / 1000)
  local free = limit - redis.call('ZCARD', K_READY) - redis.call('ZCARD', K_ACTIVE)
  local n = math.min(math.floor(credit), free, budget - expired)
  if n > 0 then
    local popped = redis.call('ZPOPMIN', K_WAITING, n)
    local deadline = now + ready_ttl * 1000
    local ids, scored = {}, {}
    for i = 1, #popped, 2 do
      ids[#ids + 1] = popped[i]
      scored[#scored + 1] = deadline
      scored[#scored + 1] = popped[i]
    end
    admitted = #ids
    if admitted > 0 then
      redis.call('ZADD', K_READY, unpack(scored))
      for i = 1, admitted do
        local at = entered_at(ids[i])
        latencies[i] = at and (now - at) or -1
      end
    end
  end
  redis.call('HSET', K_POLICY, 'admitCredit', tostring(credit - admitted), 'admitCreditAt', now)
end
local total_admitted = redis.call('HINCRBY', K_STATS, 'admitted', admitted)

-- Measured admission rate: admissions per second over one window, smoothed (average with the
-- previous value) so one odd window does not swing every estimate. A window in which nobody
-- waited and nobody was admitted teaches nothing; a pause restarts the window.
local window_at, window_base = tonumber(p[7]), tonumber(p[8])
if paused or not window_at then
  -- A new window starts now and counts this run's admissions.
  redis.call('HSET', K_POLICY, 'rateWindowAt', now, 'rateWindowBase', total_admitted - admitted)
elseif now - window_at >= window then
  local in_window = total_admitted - window_base
  if in_window > 0 or redis.call('ZCARD', K_WAITING) > 0 then
    local sample = in_window * 1000 / (now - window_at)
    local previous = tonumber(p[9])
    local measured = previous and (previous + sample) / 2 or sample
    if measured < 0.001 then measured = 0 end
    redis.call('HSET', K_POLICY, 'measuredRate', tostring(measured))
  end
  redis.call('HSET', K_POLICY, 'rateWindowAt', now, 'rateWindowBase', total_admitted)
end

local more = 0
if expired + admitted >= budget then more = 1 end
return {admitted, expired, more, latencies}
