-- Extend an ACTIVE turn: its session deadline moves sessionSeconds later, at most maxExtensions
-- times. The idle deadline stays as the last box-office call set it.
-- ARGV[1] entryId, ARGV[2] userId the token was issued to
-- Returns {'ACTIVE', deadline, extensionsLeft} | {'NOT_ACTIVE'} | {'EXTENSION_LIMIT'} | {'GONE'}
local entry_id, user_id = ARGV[1], ARGV[2]
if redis.call('HGET', K_ENTRIES, entry_id) ~= user_id then return {'GONE'} end
local now = now_ms()
local state = entry_state(entry_id, now)
if not state then return {'GONE'} end
if state ~= 'ACTIVE' then return {'NOT_ACTIVE'} end
local most = policy_number('maxExtensions', 2)
local idle, session, used = turn_or_start(entry_id, now)
if used >= most then return {'EXTENSION_LIMIT'} end
local ends = set_turn(entry_id, idle, session + policy_number('sessionSeconds', 600) * 1000, used + 1)
redis.call('HINCRBY', K_STATS, 'extended', 1)
return {'ACTIVE', ends, most - used - 1}
