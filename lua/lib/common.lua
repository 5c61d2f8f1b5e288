-- Prepended to every script by the loader (reference-system/shared/queue-scripts.ts), so each
-- operation is still one EVALSHA. Key order is the same for every script:
--   KEYS[1] policy  KEYS[2] seq  KEYS[3] waiting  KEYS[4] ready  KEYS[5] active
--   KEYS[6] users   KEYS[7] entries  KEYS[8] stats
-- All of them carry the hash tag {concertId}; no script touches any other key.
local K_POLICY, K_SEQ, K_WAITING, K_READY, K_ACTIVE, K_USERS, K_ENTRIES, K_STATS =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]

-- Server time, so every instance agrees on deadlines whatever its own clock says.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Removes an entry from the set it is in and forgets its owner; counts why under stats.
local function end_entry(entry_id, set_key, reason)
  redis.call('ZREM', set_key, entry_id)
  local user = redis.call('HGET', K_ENTRIES, entry_id)
  redis.call('HDEL', K_ENTRIES, entry_id)
  if user and redis.call('HGET', K_USERS, user) == entry_id then
    redis.call('HDEL', K_USERS, user)
  end
  redis.call('HINCRBY', K_STATS, reason, 1)
end

-- State of a live entry: 'WAITING', 'READY' or 'ACTIVE' with its deadline (ms), or nil when
-- the entry is gone. A READY or ACTIVE entry past its deadline is expired here, on read, so
-- expiry holds even between promoter runs.
local function entry_state(entry_id, now)
  if redis.call('ZSCORE', K_WAITING, entry_id) then return 'WAITING', nil end
  local deadline = redis.call('ZSCORE', K_READY, entry_id)
  if deadline then
    if tonumber(deadline) > now then return 'READY', tonumber(deadline) end
    end_entry(entry_id, K_READY, 'expired')
    return nil, nil
  end
  deadline = redis.call('ZSCORE', K_ACTIVE, entry_id)
  if deadline then
    if tonumber(deadline) > now then return 'ACTIVE', tonumber(deadline) end
    end_entry(entry_id, K_ACTIVE, 'expired')
    return nil, nil
  end
  return nil, nil
end

-- 1-based position among waiting users, or false when not waiting.
local function position_of(entry_id)
  local rank = redis.call('ZRANK', K_WAITING, entry_id)
  if rank then return rank + 1 end
  return false
end

-- Admissions per second the policy allows, the basis of the wait estimate.
local function admit_rate()
  return tonumber(redis.call('HGET', K_POLICY, 'admitPerSecond') or '1')
end
