-- A consistent snapshot of one waiting room, for operators and /metrics. Reads only.
-- Returns {waiting, ready, active, stats hash as field/value list, policy hash as field/value list}
-- READY/ACTIVE may still count entries whose deadline passed less than one promoter step ago.
return {
  redis.call('ZCARD', K_WAITING),
  redis.call('ZCARD', K_READY),
  redis.call('ZCARD', K_ACTIVE),
  redis.call('HGETALL', K_STATS),
  redis.call('HGETALL', K_POLICY),
}
