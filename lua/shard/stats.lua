-- This shard's part of the room's statistics. Reads only.
-- ARGV[1] layout version
-- Returns a layout refusal | {waiting (0 before the sale starts), pre-queued (0 after), counters
--   as field/value list}
local refused = layout_refusal(ARGV[1], false)
if refused then return refused end
local in_line = redis.call('ZCARD', K_WAITING)
local started = not sale_starts_after(now_ms())
return {started and in_line or 0, started and 0 or in_line, redis.call('HGETALL', K_STATS)}
