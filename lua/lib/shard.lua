-- Prepended to every script of lua/shard/ (instead of lib/common.lua): one shard of a sharded
-- waiting room, under a hash tag of its own ({concertId~layout~index~n}, placed on a master by
-- the service). Key order is the same for every shard script:
--   KEYS[1] policy  KEYS[2] clock  KEYS[3] waiting  KEYS[4] users  KEYS[5] entries
--   KEYS[6] taken   KEYS[7] stats
-- A shard holds the waiting fans whose userId hashes to it; admitted fans live in the concert's
-- home slot ({concertId}, lib/common.lua). No script touches any other key.
local K_POLICY, K_CLOCK, K_WAITING, K_USERS, K_ENTRIES, K_TAKEN, K_STATS =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
-- The operation's own arguments: the loader appends a call id as the last ARGV (lua-scripts.ts).
local ARGC = #ARGV - 1

-- Server time in ms (deadlines, the sale's start) and in µs (arrival stamps). µs since 1970 are
-- about 1.8e15 < 2^53: exact as a Lua number and as a sorted-set score. Numbers reach Redis as
-- %.17g (exact); never concatenate one into a string (Lua's %.14g would round it).
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- nil when this shard belongs to the caller's layout; else the reply that tells the caller to
-- read the concert's layout again (LAYOUT, NO_LAYOUT) or, for `entering`, to retry shortly
-- (LOCKED: an operator is changing the number of shards).
local function layout_refusal(version, entering)
  local p = redis.call('HMGET', K_POLICY, 'layout', 'locked')
  if not p[1] then return {'NO_LAYOUT'} end
  if p[1] ~= version then return {'LAYOUT'} end
  if entering and p[2] then return {'LOCKED'} end
  return nil
end

-- The sale's start (ms) while it is still ahead, from this shard's copy of the schedule.
local function sale_starts_after(now)
  local starts = tonumber(redis.call('HGET', K_POLICY, 'saleStartsAt'))
  if starts and now < starts then return starts end
  return nil
end

-- The estimate basis from this shard's copy of the policy, as lib/common.lua's estimate_basis.
local function estimate_basis()
  local p = redis.call('HMGET', K_POLICY, 'measuredRate', 'admitPerSecond', 'readyTtlSeconds')
  return {p[1] or false, p[2], p[3]}
end

-- The stamp of a new arrival: above every stamp this shard gave (last) and above its floor, which
-- other shards' arrivals and the promoter's cuts raise. So an arrival here is behind every fan
-- whose entry was answered before it was sent, whatever the masters' clocks say; the clock only
-- orders arrivals that overlapped in time.
local function next_stamp()
  local c = redis.call('HMGET', K_CLOCK, 'last', 'floor')
  local stamp = math.max(now_us(), (tonumber(c[1]) or 0) + 1, (tonumber(c[2]) or 0) + 1)
  redis.call('HSET', K_CLOCK, 'last', stamp)
  return stamp
end

-- Raises the floor to `stamp`: every later arrival here is stamped above it.
local function raise_floor(stamp)
  local floor = tonumber(redis.call('HGET', K_CLOCK, 'floor'))
  if not floor or stamp > floor then redis.call('HSET', K_CLOCK, 'floor', stamp) end
end

-- Waiting fans here ahead of a score on shard `from`: equal scores are ahead when this shard's
-- index is lower (the order admission merges in), so ties never count twice or never.
local function ahead_of(score_text, lower_index)
  local upto = lower_index and score_text or ('(' .. score_text)
  return redis.call('ZCOUNT', K_WAITING, '-inf', upto)
end

-- Forgets an entry that ended: its owner's mapping (only if it still points at it), its owner,
-- its mark as taken.
local function forget(entry_id, user_id)
  if user_id and redis.call('HGET', K_USERS, user_id) == entry_id then redis.call('HDEL', K_USERS, user_id) end
  redis.call('HDEL', K_ENTRIES, entry_id)
  redis.call('ZREM', K_TAKEN, entry_id)
end
