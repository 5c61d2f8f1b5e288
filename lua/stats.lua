-- A consistent snapshot of one waiting room, for operators and /metrics. Reads only.
-- Returns {waiting, ready, active, stats hash as field/value list, policy hash as field/value list,
--   preQueued, drawCommitment or false, drawSeed or false}
-- READY/ACTIVE may still count entries whose deadline passed less than one promoter step ago.
-- The draw's seed is secret until the sale starts: only then is it part of the answer.
local in_line = redis.call('ZCARD', K_WAITING)
local started = not sale_starts_after(now_ms())
local draw = redis.call('HMGET', K_DRAW, 'commitment', 'seed')
return {
  started and in_line or 0,
  redis.call('ZCARD', K_READY),
  redis.call('ZCARD', K_ACTIVE),
  redis.call('HGETALL', K_STATS),
  redis.call('HGETALL', K_POLICY),
  started and 0 or in_line,
  draw[1] or false,
  (started and draw[2]) or false,
}
