-- Forgets fans of this shard who were let in and whose entry has since ended at home (the home
-- slot said so), so a shard's memory is bounded by its live fans; fans still alive there are
-- checked again after later batches.
-- ARGV[1] layout version, ARGV[2] the batch after which the alive ones are looked at again,
-- ARGV[3] how many ended pairs follow, then {entryId, userId, …} ended, then entry ids alive
-- Returns a layout refusal | {forgotten}
local refused = layout_refusal(ARGV[1], false)
if refused then return refused end
local ended = tonumber(ARGV[3])
local forgotten = 0
for i = 4, 3 + ended * 2, 2 do
  if redis.call('ZSCORE', K_TAKEN, ARGV[i]) then
    forget(ARGV[i], ARGV[i + 1] ~= '' and ARGV[i + 1] or nil)
    forgotten = forgotten + 1
  end
end
for i = 4 + ended * 2, ARGC do
  redis.call('ZADD', K_TAKEN, 'XX', ARGV[2], ARGV[i])
end
return {forgotten}
