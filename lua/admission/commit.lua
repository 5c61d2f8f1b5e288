-- Last step of a batch: the fans its takes took off the shards become READY here, the books are
-- kept, the journal is deleted. Only the first commit of a batch does anything: a second (a slow
-- promoter whose batch was finished by another) finds the journal gone. Also says which fans of
-- earlier batches have ended here, so their shards can forget them.
-- ARGV[1] batch, ARGV[2] burst seconds, ARGV[3] rate window ms, ARGV[4] '1' when fans wait on
-- the shards, ARGV[5] count of taken pairs, then {entryId, userId, …} taken, then entry ids of
-- earlier batches to check
-- Returns {'DONE', admitted, {enter-to-READY ms of each}, {ended entry ids}} | {'GONE', 0, {}, {ended}}
local taken = tonumber(ARGV[5])
local ended = {}
for i = 6 + taken * 2, ARGC do
  if redis.call('HEXISTS', K_ENTRIES, ARGV[i]) == 0 then ended[#ended + 1] = ARGV[i] end
end
if redis.call('HGET', K_JOURNAL, 'batch') ~= ARGV[1] then return {'GONE', 0, {}, ended} end
local now = now_ms()
local deadline = now + tonumber(redis.call('HGET', K_POLICY, 'readyTtlSeconds')) * 1000
local admitted, latencies = 0, {}
for i = 6, 5 + taken * 2, 2 do
  local id, user = ARGV[i], ARGV[i + 1]
  -- Already here: a take a failover lost and a later batch repeated. Never admitted twice.
  if user ~= '' and redis.call('HEXISTS', K_ENTRIES, id) == 0 then
    redis.call('ZADD', K_READY, deadline, id)
    redis.call('HSET', K_ENTRIES, id, user)
    redis.call('HSET', K_USERS, user, id)
    admitted = admitted + 1
    local at = entered_at(id)
    latencies[admitted] = at and (now - at) or -1
  end
end
redis.call('DEL', K_JOURNAL)
keep_the_books(now, admitted, false, tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1')
return {'DONE', admitted, latencies, ended}
