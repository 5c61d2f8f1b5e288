-- Enter a concert's waiting room, or find the live entry the user already has.
-- ARGV[1] userId, ARGV[2] fresh random bits for the entry id (used only when a new entry is made),
-- ARGV[3] the user's place in the draw of a scheduled sale: a score below every arrival number
--   (see queue/draw.ts), or '' when the caller does not know the concert has a draw
-- Returns {'NO_CONCERT'} | {'LAYOUT'} (the room is sharded) | {'NOT_OPEN', opensAt} |
--   {'NEED_DRAW'} (call again with ARGV[3]) or
--   {'NEW'|'EXISTING', state, entryId, position or false, totalWaiting, deadline or false,
--    {measuredRate or false, admitPerSecond, readyTtlSeconds}, saleStartsAt or false}
local basis, shards = room_basis()
if not basis then return {'NO_CONCERT'} end
-- A room spread over shards is entered on its shards (lua/shard/enter.lua), never here.
if shards then return {'LAYOUT'} end
local user_id = ARGV[1]
local now = now_ms()
local starts = sale_starts_after(now)

local existing = redis.call('HGET', K_USERS, user_id)
if existing then
  local state, deadline = entry_state(existing, now)
  if state then
    local position = false
    if state == 'WAITING' then position = position_of(existing) end
    return {'EXISTING', state, existing, position, redis.call('ZCARD', K_WAITING),
      deadline or false, basis, starts or false}
  end
end

local score, state
if starts then
  local opens = tonumber(redis.call('HGET', K_POLICY, 'preQueueOpensAt'))
  if opens and now < opens then return {'NOT_OPEN', opens} end
  if ARGV[3] == '' then return {'NEED_DRAW'} end
  -- Pre-queued: the place is the user's draw, fixed now; the sale's start moves nothing.
  score, state = tonumber(ARGV[3]), 'PRE_QUEUE'
else
  -- Arrival order is the order this script ran in: a counter, not a clock, so two users who
  -- enter within the same millisecond keep their order.
  score, state = redis.call('INCR', K_SEQ), 'WAITING'
end
-- The entry id carries the time it entered (see entered_at), then the random part.
local entry_id = string.format('%d', now) .. '-' .. ARGV[2]
redis.call('ZADD', K_WAITING, score, entry_id)
redis.call('HSET', K_USERS, user_id, entry_id)
redis.call('HSET', K_ENTRIES, entry_id, user_id)
redis.call('HINCRBY', K_STATS, 'entered', 1)
if starts then redis.call('HINCRBY', K_STATS, 'preQueueEntered', 1) end
local total = redis.call('ZCARD', K_WAITING)
if starts then return {'NEW', state, entry_id, false, total, false, basis, starts} end
-- After the start only enter.lua adds to the waiting set, with the counter as score: a new
-- entry is always last, so its position is the set's size (no ZRANK on a set of 300,000).
return {'NEW', state, entry_id, total, total, false, basis, false}
