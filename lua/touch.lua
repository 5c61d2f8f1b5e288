-- The core service's check of a token: is the entry ACTIVE? If so, slide its idle deadline
-- (never past its session deadline).
-- ARGV[1] entryId, ARGV[2] userId the token was issued to
-- Returns {'ACTIVE', deadline} | {'PRE_QUEUE'} | {'WAITING'} | {'READY'} | {'GONE'}
local entry_id, user_id = ARGV[1], ARGV[2]
if redis.call('HGET', K_ENTRIES, entry_id) ~= user_id then return {'GONE'} end
local now = now_ms()
local state = entry_state(entry_id, now)
if not state then return {'GONE'} end
if state ~= 'ACTIVE' then return {state} end
local idle = now + tonumber(redis.call('HGET', K_POLICY, 'activeIdleSeconds')) * 1000
local _, session, used = turn_or_start(entry_id, now)
return {'ACTIVE', set_turn(entry_id, idle, session, used)}
