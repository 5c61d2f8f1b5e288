-- State of one entry, as seen by the holder of its token.
-- ARGV[1] entryId, ARGV[2] userId the token was issued to
-- Returns {'GONE'} or {state, position or false, totalWaiting, deadline or false,
--   {measuredRate or false, admitPerSecond, readyTtlSeconds}, saleStartsAt or false}
local entry_id, user_id = ARGV[1], ARGV[2]
if redis.call('HGET', K_ENTRIES, entry_id) ~= user_id then return {'GONE'} end
-- Most polls come from waiting fans: answer them from their rank alone, without the
-- READY/ACTIVE lookups (about a quarter less Redis time per poll, measured); the clock only
-- for a concert whose sale has a start.
local rank = redis.call('ZRANK', K_WAITING, entry_id)
if rank then
  local starts = tonumber(redis.call('HGET', K_POLICY, 'saleStartsAt'))
  if starts and now_ms() < starts then return {'PRE_QUEUE', false, redis.call('ZCARD', K_WAITING), false, estimate_basis(), starts} end
  return {'WAITING', rank + 1, redis.call('ZCARD', K_WAITING), false, estimate_basis(), false}
end
local state, deadline = entry_state(entry_id, now_ms())
if not state then return {'GONE'} end
return {state, position_of(entry_id), redis.call('ZCARD', K_WAITING), deadline or false, estimate_basis(), false}
