import type { Cluster } from 'ioredis';

export type WaitingSnapshot = {
  /** userId of each waiting entry, in queue order (front first). */
  usersInOrder: string[];
  /** Waiting entries whose owner is unknown (an entry without its entries-hash row). */
  orphans: number;
  stats: Record<string, number>;
};

const CHUNK = 10_000;

/**
 * Reads a concert's waiting room straight from Redis Cluster, after a run, to check what the
 * HTTP answers claimed. Key names as documented in lua/README.md (the load tool talks to the
 * system over HTTP and reads its stores, it never imports its code).
 */
export async function readWaiting(redis: Cluster, concertId: string): Promise<WaitingSnapshot> {
  const p = `queue:{${concertId}}`;
  const size = await redis.zcard(`${p}:waiting`);
  const usersInOrder: string[] = [];
  let orphans = 0;
  // In chunks, so no single command holds the Redis master for long.
  for (let start = 0; start < size; start += CHUNK) {
    const entryIds = await redis.zrange(`${p}:waiting`, String(start), String(start + CHUNK - 1));
    if (entryIds.length === 0) break;
    const owners = await redis.hmget(`${p}:entries`, ...entryIds);
    for (const owner of owners) {
      if (owner === null) orphans++;
      else usersInOrder.push(owner);
    }
  }
  const rawStats = await redis.hgetall(`${p}:stats`);
  const stats = Object.fromEntries(Object.entries(rawStats).map(([k, v]) => [k, Number(v)]));
  return { usersInOrder, orphans, stats };
}
