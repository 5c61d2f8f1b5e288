-- Prepended, after lib/common.lua, to every script of lua/admission/: admission of a sharded room,
-- run from its home slot ({concertId}, the keys of lib/common.lua) with one more key of that slot:
--   KEYS[11] journal: the admission batch in progress, a hash of
--     batch (its id: µs, only ever rising), owner (the promoter run working on it), lease (ms:
--     until when no other run may take it over), n (how many it may let in), plan (the entry
--     ids chosen, space-separated; absent until chosen)
-- One batch at a time per concert: READY + ACTIVE (here, as for any room) and the token bucket
-- are checked when a batch begins, and only the batch's own commit adds to READY.
local K_JOURNAL = KEYS[11]
-- The operation's own arguments: the loader appends a call id as the last ARGV (lua-scripts.ts).
local ARGC = #ARGV - 1

local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- Token bucket and measured admission rate after a run that let in `admitted` fans (see
-- promote.lua, which keeps them the same way for a room of one slot). `anyone_waiting`: the
-- promoter saw fans waiting on the shards (home cannot count them).
local function keep_the_books(now, admitted, paused, burst, window, anyone_waiting)
  local p = redis.call('HMGET', K_POLICY, 'admitPerSecond', 'admitCredit', 'admitCreditAt', 'rateWindowAt', 'rateWindowBase', 'measuredRate')
  local rate = tonumber(p[1])
  if not paused then
    local cap = rate * math.max(1, burst)
    local credit = math.min(cap, tonumber(p[2] or cap) + (now - tonumber(p[3] or now)) * rate / 1000)
    redis.call('HSET', K_POLICY, 'admitCredit', tostring(credit - admitted), 'admitCreditAt', now)
  end
  local total_admitted = redis.call('HINCRBY', K_STATS, 'admitted', admitted)
  local window_at, window_base = tonumber(p[4]), tonumber(p[5])
  if paused or not window_at then
    redis.call('HSET', K_POLICY, 'rateWindowAt', now, 'rateWindowBase', total_admitted - admitted)
  elseif now - window_at >= window then
    local in_window = total_admitted - window_base
    if in_window > 0 or anyone_waiting then
      local sample = in_window * 1000 / (now - window_at)
      local previous = tonumber(p[6])
      local measured = previous and (previous + sample) / 2 or sample
      if measured < 0.001 then measured = 0 end
      redis.call('HSET', K_POLICY, 'measuredRate', tostring(measured))
    end
    redis.call('HSET', K_POLICY, 'rateWindowAt', now, 'rateWindowBase', total_admitted)
  end
end

-- The policy fields every shard keeps a copy of (lua/shard/policy.lua), as field/value pairs
-- ('' for a field not set): the promoter refreshes the shards' copies when they change.
local function shard_copy()
  local fields = {'measuredRate', 'admitPerSecond', 'readyTtlSeconds', 'saleStartsAt', 'preQueueOpensAt'}
  local values = redis.call('HMGET', K_POLICY, unpack(fields))
  local pairs_ = {}
  for i = 1, #fields do
    pairs_[#pairs_ + 1] = fields[i]
    pairs_[#pairs_ + 1] = values[i] or ''
  end
  return pairs_
end
