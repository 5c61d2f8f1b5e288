-- State of one entry, as seen by the holder of its token.
-- ARGV[1] entryId, ARGV[2] userId the token was issued to
-- Returns {'GONE'} or {state, position or false, totalWaiting, deadline or false,
--   {measuredRate or false, admitPerSecond, readyTtlSeconds}}
local entry_id, user_id = ARGV[1], ARGV[2]
if redis.call('HGET', K_ENTRIES, entry_id) ~= user_id then return {'GONE'} end
-- Most polls come from waiting fans: answer them from their rank alone, without the clock or
-- the READY/ACTIVE lookups (about a quarter less Redis time per poll, measured).
local rank = redis.call('ZRANK', K_WAITING, entry_id)
if rank then return {'WAITING', rank + 1, redis.call('ZCARD', K_WAITING), false, estimate_basis()} end
local state, deadline = entry_state(entry_id, now_ms())
if not state then return {'GONE'} end
return {state, position_of(entry_id), redis.call('ZCARD', K_WAITING), deadline or false, estimate_basis()}
