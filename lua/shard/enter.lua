-- Enter one shard of a sharded room, or find the fan's entry on it. The service then marks the
-- other shards (mark.lua) before it answers, and counts them into the position.
-- ARGV[1] layout version, ARGV[2] userId, ARGV[3] the entry id's random part and layout (new
-- entries only: the id is <ms>-<that>~<score>),
-- ARGV[4] the fan's draw score in a pre-queue, or '' when the caller knows of no draw,
-- ARGV[5] an entry of hers the caller found ended at home (forgotten here first), or ''
-- Returns a layout refusal (see lib/shard.lua) | {'NOT_OPEN', opensAt} | {'NEED_DRAW'} |
--   {'TAKEN', entryId, batch}: her entry was let in by that admission batch (the caller asks home) |
--   {'NEW'|'EXISTING', state, entryId, score, rank here (0-based) or false, waiting here,
--    {measuredRate or false, admitPerSecond, readyTtlSeconds}, saleStartsAt or false}
local version, user_id, bits, draw, replace = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local refused = layout_refusal(version, true)
if refused then return refused end
local basis = estimate_basis()
local now = now_ms()
local starts = sale_starts_after(now)

local existing = redis.call('HGET', K_USERS, user_id)
if existing then
  local score = redis.call('ZSCORE', K_WAITING, existing)
  if score then
    local rank = false
    if not starts then rank = redis.call('ZRANK', K_WAITING, existing) end
    return {'EXISTING', starts and 'PRE_QUEUE' or 'WAITING', existing, score, rank, redis.call('ZCARD', K_WAITING), basis, starts or false}
  end
  local batch = redis.call('ZSCORE', K_TAKEN, existing)
  if batch and replace ~= existing then return {'TAKEN', existing, batch} end
  forget(existing, user_id)
end

local score, state
if starts then
  local opens = tonumber(redis.call('HGET', K_POLICY, 'preQueueOpensAt'))
  if opens and now < opens then return {'NOT_OPEN', opens} end
  if draw == '' then return {'NEED_DRAW'} end
  score, state = tonumber(draw), 'PRE_QUEUE'
else
  score, state = next_stamp(), 'WAITING'
end
-- The id ends with the score, so a status can count the other shards while it reads this one.
local entry_id = string.format('%d', now) .. '-' .. bits .. '~' .. string.format('%d', score)
redis.call('ZADD', K_WAITING, score, entry_id)
redis.call('HSET', K_USERS, user_id, entry_id)
redis.call('HSET', K_ENTRIES, entry_id, user_id)
redis.call('HINCRBY', K_STATS, 'entered', 1)
if starts then redis.call('HINCRBY', K_STATS, 'preQueueEntered', 1) end
local size = redis.call('ZCARD', K_WAITING)
-- A new stamp is the highest this shard ever gave and pre-queue scores are all below it: the
-- entry is last here, its rank the set's size less one (no ZRANK on a big set).
return {'NEW', state, entry_id, score, (not starts) and (size - 1) or false, size, basis, starts or false}
