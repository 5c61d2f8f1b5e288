-- A waiting fan of this shard leaves.
-- ARGV[1] layout version, ARGV[2] entryId, ARGV[3] userId the token was issued to
-- Returns a layout refusal | {'ENDED'} | {'TAKEN', batch}: she was let in (end her at home) | {'GONE'}
local refused = layout_refusal(ARGV[1], false)
if refused then return refused end
local entry_id, user_id = ARGV[2], ARGV[3]
if redis.call('HGET', K_ENTRIES, entry_id) ~= user_id then return {'GONE'} end
if redis.call('ZREM', K_WAITING, entry_id) == 1 then
  forget(entry_id, user_id)
  redis.call('HINCRBY', K_STATS, 'exited', 1)
  return {'ENDED'}
end
local batch = redis.call('ZSCORE', K_TAKEN, entry_id)
if batch then return {'TAKEN', batch} end
return {'GONE'}
