-- Sets how many shards the room's waiting line is spread over, while nobody has ever entered it
-- here. A room of one slot ('shards' absent or 1) is entered by enter.lua, which reads 'shards'
-- in the same atomic step: an enter either ran before (entered > 0: refused here) or runs after
-- and is sent to the shards. Shards of an earlier layout are locked by the caller beforehand.
-- ARGV[1] the layout version the caller read ('' for none), ARGV[2] shards, ARGV[3] the new
-- layout version, ARGV[4] the shards' hash tags, comma-separated ('' for one shard)
-- Returns {'OK'} | {'ENTERED'} | {'CHANGED'}: another change came first | {'NO_CONCERT'}
if not redis.call('HGET', K_POLICY, 'activeLimit') then return {'NO_CONCERT'} end
local current = redis.call('HGET', K_POLICY, 'layout') or ''
if current ~= ARGV[1] then return {'CHANGED'} end
if tonumber(redis.call('HGET', K_STATS, 'entered') or '0') > 0 then return {'ENTERED'} end
redis.call('HSET', K_POLICY, 'shards', ARGV[2], 'layout', ARGV[3], 'shardTags', ARGV[4])
return {'OK'}
