-- The promoter's cut of this shard for one admission batch: raises the floor to
-- T = max(now, the last stamp given, the floor), so every later arrival here is stamped above T,
-- and returns the first waiting fans. Every fan stamped at or below the lowest T of all shards
-- has landed on its shard by then: the promoter admits only those, in (score, shard) order.
-- ARGV[1] layout version, ARGV[2] most fans to return, ARGV[3] the batch (fans taken by an
-- earlier batch are candidates to forget once they ended at home), ARGV[4] most candidates
-- Returns a layout refusal | {T, waiting here, {entryId, score, …} first fans,
--   {entryId, userId, …} fans let in by earlier batches, oldest check first}
local refused = layout_refusal(ARGV[1], false)
if refused then return refused end
local c = redis.call('HMGET', K_CLOCK, 'last', 'floor')
local cut = math.max(now_us(), tonumber(c[1]) or 0, tonumber(c[2]) or 0)
raise_floor(cut)
local heads = redis.call('ZRANGE', K_WAITING, 0, tonumber(ARGV[2]) - 1, 'WITHSCORES')
local candidates = {}
local old = redis.call('ZRANGEBYSCORE', K_TAKEN, '-inf', '(' .. ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
if #old > 0 then
  local owners = redis.call('HMGET', K_ENTRIES, unpack(old))
  for i = 1, #old do
    candidates[#candidates + 1] = old[i]
    candidates[#candidates + 1] = owners[i] or ''
  end
end
return {cut, redis.call('ZCARD', K_WAITING), heads, candidates}
