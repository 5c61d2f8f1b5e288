-- How many wait on this shard ahead of fans of other shards (a fan's position is the sum over
-- every shard), and how many wait here. Reads only: their enters raised the floor already. The
-- reads of one event-loop turn share one run (sharded-room.ts).
-- ARGV[1] layout version, then for each fan: her score, '1' when this shard's index is below hers
-- Returns a layout refusal | {waiting here, fans here ahead of the first, of the second, …}
local refused = layout_refusal(ARGV[1], false)
if refused then return refused end
local reply = {redis.call('ZCARD', K_WAITING)}
for i = 2, ARGC, 2 do reply[#reply + 1] = ahead_of(ARGV[i], ARGV[i + 1] == '1') end
return reply
