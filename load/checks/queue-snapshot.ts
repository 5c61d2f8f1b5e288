import type { Cluster } from 'ioredis';

export type WaitingSnapshot = {
  /** userId of each waiting entry, in queue order (front first). */
  usersInOrder: string[];
  /** Waiting entries whose owner is unknown (an entry without its entries-hash row). */
  orphans: number;
  /** Counters of the room: its home slot's, plus every shard's for a sharded room. */
  stats: Record<string, number>;
  /** The hash tags of its shards ([] for a room on one slot). */
  shardTags: string[];
};

const CHUNK = 10_000;

/**
 * Reads a concert's waiting room straight from Redis Cluster, after a run, to check what the
 * HTTP answers claimed. Key names as documented in lua/README.md (the load tool talks to the
 * system over HTTP and reads its stores, it never imports its code). A room spread over shards
 * (its policy's `shards` above 1, their tags in `shardTags`) is read shard by shard and put in
 * the room's order: by score, then by shard, as admission takes it.
 */
export async function readWaiting(redis: Cluster, concertId: string): Promise<WaitingSnapshot> {
  const home = `queue:{${concertId}}`;
  const [shards, tags] = await redis.hmget(`${home}:policy`, 'shards', 'shardTags');
  const shardTags = Number(shards ?? 1) > 1 && tags ? tags.split(',') : [];
  const stats: Record<string, number> = {};
  const count = async (key: string) => {
    for (const [k, v] of Object.entries(await redis.hgetall(key))) stats[k] = (stats[k] ?? 0) + Number(v);
  };
  await count(`${home}:stats`);
  if (shardTags.length === 0) {
    const { owners, orphans } = await readSet(redis, home);
    return { usersInOrder: owners.map((o) => o.user), orphans, stats, shardTags };
  }
  const all: { user: string; score: number; shard: number }[] = [];
  let orphans = 0;
  for (const [shard, tag] of shardTags.entries()) {
    const read = await readSet(redis, `queue:{${tag}}`);
    orphans += read.orphans;
    for (const o of read.owners) all.push({ ...o, shard });
    await count(`queue:{${tag}}:stats`);
  }
  all.sort((a, b) => a.score - b.score || a.shard - b.shard);
  return { usersInOrder: all.map((o) => o.user), orphans, stats, shardTags };
}

/** One waiting set and its owners, in chunks, so no single command holds a master for long. */
async function readSet(redis: Cluster, prefix: string) {
  const size = await redis.zcard(`${prefix}:waiting`);
  const owners: { user: string; score: number }[] = [];
  let orphans = 0;
  for (let start = 0; start < size; start += CHUNK) {
    const items = await redis.zrange(`${prefix}:waiting`, String(start), String(start + CHUNK - 1), 'WITHSCORES');
    if (items.length === 0) break;
    const ids = items.filter((_, i) => i % 2 === 0);
    const users = await redis.hmget(`${prefix}:entries`, ...ids);
    users.forEach((user, i) => {
      if (user === null) orphans++;
      else owners.push({ user, score: Number(items[2 * i + 1]) });
    });
  }
  return { owners, orphans };
}
