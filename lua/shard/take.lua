-- Takes the planned fans of one admission batch off this shard's waiting line. Idempotent: a fan
-- this batch already took is taken again (answered again); a fan who left meanwhile is skipped.
-- So any instance may finish a batch another began (lua/admission/), and all of them learn the
-- same fans.
-- ARGV[1] layout version, ARGV[2] the batch, ARGV[3…] entry ids in the batch's plan
-- Returns a layout refusal | {entryId, userId, …} taken by this batch
local refused = layout_refusal(ARGV[1], false)
if refused then return refused end
local batch = tonumber(ARGV[2])
local taken = {}
for i = 3, ARGC do
  local id = ARGV[i]
  local by = tonumber(redis.call('ZSCORE', K_TAKEN, id))
  if by == batch or (not by and redis.call('ZREM', K_WAITING, id) == 1) then
    if not by then redis.call('ZADD', K_TAKEN, batch, id) end
    taken[#taken + 1] = id
    taken[#taken + 1] = redis.call('HGET', K_ENTRIES, id) or ''
  end
end
return taken
