-- State of one entry, as seen by the holder of its token.
-- ARGV[1] entryId, ARGV[2] userId the token was issued to
-- Returns {state or 'GONE', position or false, totalWaiting, deadline or false, admitPerSecond}
local entry_id, user_id = ARGV[1], ARGV[2]
local gone = {'GONE', false, redis.call('ZCARD', K_WAITING), false, admit_rate()}
if redis.call('HGET', K_ENTRIES, entry_id) ~= user_id then return gone end
local state, deadline = entry_state(entry_id, now_ms())
if not state then return gone end
return {state, position_of(entry_id), redis.call('ZCARD', K_WAITING), deadline or false, admit_rate()}
