-- Writes this shard's copy of the policy fields its scripts read (the schedule, the estimate
-- basis). 'create' makes the shard part of a layout; 'refresh' updates a shard of it.
-- ARGV[1] layout version, ARGV[2] 'create' | 'refresh', ARGV[3…] field, value pairs ('' deletes)
-- Returns {'OK'} | {'LAYOUT'} (a refresh for a layout this shard is not part of)
local version, mode = ARGV[1], ARGV[2]
if mode == 'create' then
  redis.call('HSET', K_POLICY, 'layout', version)
elseif redis.call('HGET', K_POLICY, 'layout') ~= version then
  return {'LAYOUT'}
end
for i = 3, ARGC, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', K_POLICY, ARGV[i]) else redis.call('HSET', K_POLICY, ARGV[i], ARGV[i + 1]) end
end
return {'OK'}
