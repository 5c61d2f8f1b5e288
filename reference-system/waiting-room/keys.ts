/**
 * Every Redis key of one concert's waiting room carries the hash tag {concertId}, so all of them
 * live in one slot and one Lua script may touch them together on Redis Cluster.
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

/**
 * Concerts whose waiting room is open. A key of its own slot, never touched by a script together
 * with a concert's keys: promoters read it to find the rooms they must tend.
 */
export const OPEN_ROOMS_KEY = 'queue:rooms';
