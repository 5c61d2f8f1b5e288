-- Enter a concert's waiting room, or find the live entry the user already has.
-- ARGV[1] userId, ARGV[2] a fresh random entry id (used only when a new entry is made)
-- Returns {outcome, state, entryId, position or false, totalWaiting, deadline or false, admitPerSecond}
--   outcome: 'NO_CONCERT' | 'NEW' | 'EXISTING'
if redis.call('EXISTS', K_POLICY) == 0 then return {'NO_CONCERT'} end
local user_id, candidate = ARGV[1], ARGV[2]
local now = now_ms()

local existing = redis.call('HGET', K_USERS, user_id)
if existing then
  local state, deadline = entry_state(existing, now)
  if state then
    return {'EXISTING', state, existing, position_of(existing), redis.call('ZCARD', K_WAITING),
      deadline or false, admit_rate()}
  end
end

-- Arrival order is the order this script ran in: a counter, not a clock, so two users who enter
-- within the same millisecond keep their order.
local seq = redis.call('INCR', K_SEQ)
redis.call('ZADD', K_WAITING, seq, candidate)
redis.call('HSET', K_USERS, user_id, candidate)
redis.call('HSET', K_ENTRIES, candidate, user_id)
redis.call('HINCRBY', K_STATS, 'entered', 1)
return {'NEW', 'WAITING', candidate, position_of(candidate), redis.call('ZCARD', K_WAITING), false, admit_rate()}
