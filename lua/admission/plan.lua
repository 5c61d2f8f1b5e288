-- Records which fans a batch lets in, chosen from the shards' cut, before any is taken off a
-- shard: whoever finishes the batch (its promoter, one that takes it over, a fan's request that
-- meets it) takes exactly these.
-- ARGV[1] batch, ARGV[2] owner, ARGV[3…] entry ids in admission order (at most the batch's n)
-- Returns {'OK'} | {'LOST'}: the batch is no longer this run's (taken over, or committed)
local j = redis.call('HMGET', K_JOURNAL, 'batch', 'owner', 'n', 'plan')
if j[1] ~= ARGV[1] or j[2] ~= ARGV[2] or j[4] then return {'LOST'} end
if ARGC - 2 > tonumber(j[3]) then return redis.error_reply('plan larger than the batch') end
local ids = {}
for i = 3, ARGC do ids[#ids + 1] = ARGV[i] end
redis.call('HSET', K_JOURNAL, 'plan', table.concat(ids, ' '))
return {'OK'}
