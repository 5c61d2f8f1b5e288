-- Whether an admission batch is still in progress, for a request that met one of its fans taken
-- off her shard but not yet READY here: the request finishes the batch (take again, commit).
-- ARGV[1] batch
-- Returns {'PENDING', plan or false} | {'DONE'}
local j = redis.call('HMGET', K_JOURNAL, 'batch', 'plan')
if j[1] ~= ARGV[1] then return {'DONE'} end
return {'PENDING', j[2] or false}
