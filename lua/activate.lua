-- Turn an admitted (READY) entry into an ACTIVE one; idempotent for an ACTIVE entry (its deadline stays).
-- ARGV[1] entryId, ARGV[2] userId the token was issued to
-- Returns {'ACTIVE', deadline} | {'NOT_READY'} (PRE_QUEUE or WAITING) | {'GONE'}
local entry_id, user_id = ARGV[1], ARGV[2]
if redis.call('HGET', K_ENTRIES, entry_id) ~= user_id then return {'GONE'} end
local now = now_ms()
local state = entry_state(entry_id, now)
if not state then return {'GONE'} end
if state == 'WAITING' or state == 'PRE_QUEUE' then return {'NOT_READY'} end
local idle = now + tonumber(redis.call('HGET', K_POLICY, 'activeIdleSeconds')) * 1000
if state == 'READY' then
  redis.call('ZREM', K_READY, entry_id)
  -- The session starts now; its deadline moves only by extensions.
  return {'ACTIVE', set_turn(entry_id, idle, now + policy_number('sessionSeconds', 600) * 1000, 0)}
end
-- Starting again changes nothing (activation is idempotent): the turn ends when it did. Only a
-- box-office call (touch.lua) or an extension moves it.
return {'ACTIVE', tonumber(redis.call('ZSCORE', K_ACTIVE, entry_id))}
