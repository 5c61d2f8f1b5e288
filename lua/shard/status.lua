-- One entry of this shard, as the holder of its token sees it.
-- ARGV[1] layout version, ARGV[2] entryId, ARGV[3] userId the token was issued to
-- Returns a layout refusal | {'GONE'} | {'TAKEN', batch, waiting here}: let in by that admission
--   batch (its state is at home) | {state, score, rank here (0-based) or false, waiting here,
--   {measuredRate or false, admitPerSecond, readyTtlSeconds}, saleStartsAt or false}
local refused = layout_refusal(ARGV[1], false)
if refused then return refused end
local entry_id, user_id = ARGV[2], ARGV[3]
if redis.call('HGET', K_ENTRIES, entry_id) ~= user_id then return {'GONE'} end
local score = redis.call('ZSCORE', K_WAITING, entry_id)
if score then
  local starts = sale_starts_after(now_ms())
  if starts then return {'PRE_QUEUE', score, false, redis.call('ZCARD', K_WAITING), estimate_basis(), starts} end
  return {'WAITING', score, redis.call('ZRANK', K_WAITING, entry_id), redis.call('ZCARD', K_WAITING), estimate_basis(), false}
end
local batch = redis.call('ZSCORE', K_TAKEN, entry_id)
if batch then return {'TAKEN', batch, redis.call('ZCARD', K_WAITING)} end
return {'GONE'}
