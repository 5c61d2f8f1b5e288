-- Part of enters on other shards: raises this shard's floor to the highest of their stamps, so
-- nobody can arrive here ahead of any of them once their enters are answered, and counts who
-- waits here ahead of each. Run on every other shard before an enter is answered; the enters of
-- one event-loop turn share one run (sharded-room.ts).
-- ARGV[1] layout version, then for each new entry: her score, '1' when this shard's index is
-- below hers (equal scores here are then ahead of her)
-- Returns a layout refusal | {waiting here, fans here ahead of the first, of the second, …}
local refused = layout_refusal(ARGV[1], false)
if refused then return refused end
local highest
for i = 2, ARGC, 2 do
  local score = tonumber(ARGV[i])
  if not highest or score > highest then highest = score end
end
if highest then raise_floor(highest) end
local reply = {redis.call('ZCARD', K_WAITING)}
for i = 2, ARGC, 2 do reply[#reply + 1] = ahead_of(ARGV[i], ARGV[i + 1] == '1') end
return reply
