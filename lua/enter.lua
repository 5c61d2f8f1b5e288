-- Enter a concert's waiting room, or find the live entry the user already has.
-- ARGV[1] userId, ARGV[2] fresh random bits for the entry id (used only when a new entry is made)
-- Returns {'NO_CONCERT'} or
--   {'NEW'|'EXISTING', state, entryId, position or false, totalWaiting, deadline or false,
--    {measuredRate or false, admitPerSecond, readyTtlSeconds}}
local basis = estimate_basis()
if not basis then return {'NO_CONCERT'} end
local user_id = ARGV[1]
local now = now_ms()

local existing = redis.call('HGET', K_USERS, user_id)
if existing then
  local state, deadline = entry_state(existing, now)
  if state then
    return {'EXISTING', state, existing, position_of(existing), redis.call('ZCARD', K_WAITING),
      deadline or false, basis}
  end
end

-- Arrival order is the order this script ran in: a counter, not a clock, so two users who enter
-- within the same millisecond keep their order.
local seq = redis.call('INCR', K_SEQ)
-- The entry id carries the time it entered (see entered_at), then the random part.
local entry_id = string.format('%d', now) .. '-' .. ARGV[2]
redis.call('ZADD', K_WAITING, seq, entry_id)
redis.call('HSET', K_USERS, user_id, entry_id)
redis.call('HSET', K_ENTRIES, entry_id, user_id)
redis.call('HINCRBY', K_STATS, 'entered', 1)
-- Only enter.lua adds to the waiting set, with the counter as score: a new entry is always last,
-- so its position is the set's size (no ZRANK on a set of 300,000).
local total = redis.call('ZCARD', K_WAITING)
return {'NEW', 'WAITING', entry_id, total, total, false, basis}
