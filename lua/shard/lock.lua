-- An operator changes how many shards a room has, which is allowed only while nobody ever entered
-- it. 'lock' makes enters here wait (LOCKED) unless someone already entered; 'unlock' undoes it;
-- 'retire' deletes the shard once the new layout is in place (later calls get NO_LAYOUT and read
-- the layout again).
-- ARGV[1] layout version, ARGV[2] 'lock' | 'unlock' | 'retire'
-- Returns a layout refusal | {'OK'} | {'ENTERED'} (lock: someone entered here)
local refused = layout_refusal(ARGV[1], false)
if refused then return refused end
local action = ARGV[2]
if action == 'lock' then
  if tonumber(redis.call('HGET', K_STATS, 'entered') or '0') > 0 then return {'ENTERED'} end
  redis.call('HSET', K_POLICY, 'locked', '1')
elseif action == 'unlock' then
  redis.call('HDEL', K_POLICY, 'locked')
elseif action == 'retire' then
  redis.call('DEL', K_POLICY, K_CLOCK, K_WAITING, K_USERS, K_ENTRIES, K_TAKEN, K_STATS)
else
  return redis.error_reply('bad action')
end
return {'OK'}
