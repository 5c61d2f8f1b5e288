/**
 * Every Redis key of one concert's waiting room carries the hash tag {concertId}, so all of them
 * live in one slot and one Lua script may touch them together on Redis Cluster. A room spread
 * over shards keeps its admitted fans, policy and admission there too (its home slot), and each
 * shard's waiting fans under a hash tag of the shard's own (room-layout.ts).
 * lua/README.md describes what each key holds.
 */
export function queueKeys(concertId: string) {
  const p = `queue:{${concertId}}`;
  return {
    policy: `${p}:policy`,
    seq: `${p}:seq`,
    waiting: `${p}:waiting`,
    ready: `${p}:ready`,
    active: `${p}:active`,
    users: `${p}:users`,
    entries: `${p}:entries`,
    stats: `${p}:stats`,
    turns: `${p}:turns`,
    draw: `${p}:draw`,
  };
}

export type QueueKeys = ReturnType<typeof queueKeys>;

/** The admission batch in progress of a sharded room, in its home slot (lua/lib/admission.lua). */
export const journalKey = (concertId: string) => `queue:{${concertId}}:journal`;

/** The keys of one shard of a sharded room, under the shard's hash tag (lua/lib/shard.lua). */
export function shardKeys(tag: string) {
  const p = `queue:{${tag}}`;
  return {
    policy: `${p}:policy`,
    clock: `${p}:clock`,
    waiting: `${p}:waiting`,
    users: `${p}:users`,
    entries: `${p}:entries`,
    taken: `${p}:taken`,
    stats: `${p}:stats`,
  };
}

/**
 * Concerts whose waiting room is open. A key of its own slot, never touched by a script together
 * with a concert's keys: promoters read it to find the rooms they must tend.
 */
export const OPEN_ROOMS_KEY = 'queue:rooms';
