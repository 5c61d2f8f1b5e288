-- Prepended to every script by the loader (reference-system/waiting-room/lua-scripts.ts), so each
-- operation is still one EVALSHA. Key order is the same for every script:
--   KEYS[1] policy  KEYS[2] seq  KEYS[3] waiting  KEYS[4] ready  KEYS[5] active
--   KEYS[6] users   KEYS[7] entries  KEYS[8] stats   KEYS[9] turns  KEYS[10] draw
-- All of them carry the hash tag {concertId}; no script touches any other key (the loader's
-- `#!lua` line makes Redis refuse any key outside the declared slot).
local K_POLICY, K_SEQ, K_WAITING, K_READY, K_ACTIVE, K_USERS, K_ENTRIES, K_STATS, K_TURNS, K_DRAW =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]

-- Server time, so every instance agrees on deadlines whatever its own clock says.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Ends entries that are all in `set_key`: removes them, forgets their owners, counts why under
-- stats. Batched (one call per key, not per entry) so the promoter's expiry stays cheap.
local function end_entries(ids, set_key, reason)
  if #ids == 0 then return end
  redis.call('ZREM', set_key, unpack(ids))
  local owners = redis.call('HMGET', K_ENTRIES, unpack(ids))
  redis.call('HDEL', K_ENTRIES, unpack(ids))
  if set_key == K_ACTIVE then redis.call('HDEL', K_TURNS, unpack(ids)) end
  local users, entry_of = {}, {}
  for i = 1, #ids do
    if owners[i] then
      users[#users + 1] = owners[i]
      entry_of[#users] = ids[i]
    end
  end
  if #users > 0 then
    -- A user's live entry only ever points at the entry being ended; checked all the same, so
    -- a stale entry can never unlink a newer one.
    local live = redis.call('HMGET', K_USERS, unpack(users))
    local forget = {}
    for i = 1, #users do
      if live[i] == entry_of[i] then forget[#forget + 1] = users[i] end
    end
    if #forget > 0 then redis.call('HDEL', K_USERS, unpack(forget)) end
  end
  redis.call('HINCRBY', K_STATS, reason, #ids)
end

-- The instant the sale starts (ms), while it is still ahead; nil once it started or when the
-- concert is on sale now. Until then the waiting set holds the pre-queue and nobody is let in:
-- starting the sale is this comparison, nothing is moved.
local function sale_starts_after(now)
  local starts = tonumber(redis.call('HGET', K_POLICY, 'saleStartsAt'))
  if starts and now < starts then return starts end
  return nil
end

-- State of a live entry: 'PRE_QUEUE', 'WAITING', 'READY' or 'ACTIVE' with its deadline (ms), or
-- nil when the entry is gone. A READY or ACTIVE entry past its deadline is expired here, on
-- read, so expiry holds even between promoter runs.
local function entry_state(entry_id, now)
  if redis.call('ZSCORE', K_WAITING, entry_id) then
    if sale_starts_after(now) then return 'PRE_QUEUE', nil end
    return 'WAITING', nil
  end
  for _, pair in ipairs({{K_READY, 'READY'}, {K_ACTIVE, 'ACTIVE'}}) do
    local deadline = redis.call('ZSCORE', pair[1], entry_id)
    if deadline then
      if tonumber(deadline) > now then return pair[2], tonumber(deadline) end
      end_entries({entry_id}, pair[1], 'expired')
      return nil, nil
    end
  end
  return nil, nil
end

-- When an entry entered (server ms): enter.lua puts it at the front of the entry id, so the
-- enter-to-READY latency costs no extra key or write per entry.
local function entered_at(entry_id)
  return tonumber(string.match(entry_id, '^(%d+)-'))
end

-- 1-based position among waiting users, or false when not waiting.
local function position_of(entry_id)
  local rank = redis.call('ZRANK', K_WAITING, entry_id)
  if rank then return rank + 1 end
  return false
end

-- What a waiting user's estimate and poll advice are based on, as strings (Redis would
-- truncate a Lua float): the admission rate promoters measured (false until one was), the
-- policy's admitPerSecond, and readyTtlSeconds. Returns nil when the concert has no room.
local function estimate_basis()
  local p = redis.call('HMGET', K_POLICY, 'measuredRate', 'admitPerSecond', 'readyTtlSeconds')
  if not p[2] then return nil end
  return {p[1] or false, p[2], p[3]}
end

-- estimate_basis, and whether the room is spread over shards (its 'shards' above 1), read
-- together: enter.lua's one look at the policy.
local function room_basis()
  local p = redis.call('HMGET', K_POLICY, 'measuredRate', 'admitPerSecond', 'readyTtlSeconds', 'shards')
  if not p[2] then return nil, nil end
  return {p[1] or false, p[2], p[3]}, (tonumber(p[4]) or 1) > 1
end

-- A policy number, or its default for a room opened before the field existed.
local function policy_number(field, default)
  return tonumber(redis.call('HGET', K_POLICY, field) or default)
end

-- An ACTIVE turn ends at the earlier of its idle deadline (slid by every box-office call) and its
-- session deadline (sessionSeconds after it started, moved on by extensions). K_TURNS keeps both
-- and the extensions used, as "idle:session:used"; K_ACTIVE's score is the earlier deadline, so
-- the promoter and every read expire a capped turn like an idle one.
local function turn_of(entry_id)
  local turn = redis.call('HGET', K_TURNS, entry_id)
  if not turn then return nil end
  local idle, session, used = string.match(turn, '^(%d+):(%d+):(%d+)$')
  return tonumber(idle), tonumber(session), tonumber(used)
end

-- The turn's deadlines and extensions; a turn started before sessions were kept gets one now.
local function turn_or_start(entry_id, now)
  local idle, session, used = turn_of(entry_id)
  if session then return idle, session, used end
  return tonumber(redis.call('ZSCORE', K_ACTIVE, entry_id)), now + policy_number('sessionSeconds', 600) * 1000, 0
end

-- Stores an ACTIVE turn's deadlines; returns the instant it ends.
local function set_turn(entry_id, idle, session, used)
  redis.call('HSET', K_TURNS, entry_id, string.format('%d:%d:%d', idle, session, used))
  local ends = math.min(idle, session)
  redis.call('ZADD', K_ACTIVE, ends, entry_id)
  return ends
end
