-- End a live entry at once and free its slot: the holder exited, or its booking completed.
-- ARGV[1] entryId, ARGV[2] userId the token was issued to, ARGV[3] reason: 'exited' | 'completed'
-- Returns {'ENDED'} | {'GONE'}
local entry_id, user_id, reason = ARGV[1], ARGV[2], ARGV[3]
if reason ~= 'exited' and reason ~= 'completed' then return redis.error_reply('bad reason') end
if redis.call('HGET', K_ENTRIES, entry_id) ~= user_id then return {'GONE'} end
local state = entry_state(entry_id, now_ms())
if not state then return {'GONE'} end
local set = ({PRE_QUEUE = K_WAITING, WAITING = K_WAITING, READY = K_READY, ACTIVE = K_ACTIVE})[state]
end_entries({entry_id}, set, reason)
return {'ENDED'}
