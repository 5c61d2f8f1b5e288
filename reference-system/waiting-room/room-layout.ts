import type { Cluster } from 'ioredis';
import { queueKeys } from './keys.ts';

/**
 * How a concert's waiting room is laid out: on its home slot alone ({concertId}: one master, the
 * default), or with its waiting line spread over `shards` slots of their own (the policy's
 * `shards`, lua/layout.lua). A layout has a version; a shard serves one version only, so an
 * instance holding an old layout is told to read it again (lua/lib/shard.lua).
 */
export type ShardedLayout = { sharded: true; shards: number; version: number; tags: string[] };
export type RoomLayout = { sharded: false; shards: 1; version: number } | ShardedLayout;

/** The layout a policy hash describes ('shards', 'layout', 'shardTags'; absent: one slot). */
export function layoutOf(policy: { shards?: string | null; layout?: string | null; shardTags?: string | null }): RoomLayout {
  const shards = Number(policy.shards ?? 1);
  const version = Number(policy.layout ?? 0);
  if (shards <= 1) return { sharded: false, shards: 1, version };
  return { sharded: true, shards, version, tags: String(policy.shardTags).split(',') };
}

/**
 * Layouts as one instance knows them. A layout changes only while nobody has entered the room,
 * and a stale one is noticed by the scripts (LAYOUT), so each instance reads it once and keeps it.
 */
export function createLayouts(redis: Cluster) {
  const known = new Map<string, RoomLayout>();
  return {
    /** The layout this instance holds; undefined when it never read one. */
    known(concertId: string): RoomLayout | undefined {
      return known.get(concertId);
    },
    /** Reads the layout from the room's policy and keeps it. */
    async read(concertId: string): Promise<RoomLayout> {
      const [shards, layout, shardTags] = await redis.hmget(queueKeys(concertId).policy, 'shards', 'layout', 'shardTags');
      const read = layoutOf({ shards, layout, shardTags });
      known.set(concertId, read);
      return read;
    },
    /** Keeps a layout read elsewhere (a policy hash the caller already has). */
    remember(concertId: string, layout: RoomLayout): void {
      known.set(concertId, layout);
    },
  };
}

export type Layouts = ReturnType<typeof createLayouts>;

/**
 * The shard a fan waits on: a stable hash of her userId (FNV-1a, 32 bits), so every instance
 * sends her to the same one and her re-entry finds her there.
 */
export function shardOf(userId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * An entry of a sharded room names its layout, its shard and its score after its random part,
 * `<ms>-<random>~<version>~<shard>~<score>` (lua/shard/enter.lua appends the score), so any
 * instance finds its shard from the token alone and counts the other shards without asking its
 * own first. (A random part is base64url: it has no `~`.) Entries of a one-slot room keep
 * `<ms>-<random>`.
 */
export const shardedEntryBits = (random: string, version: number, shard: number) => `${random}~${version}~${shard}`;

export function entryShard(entryId: string): { version: number; shard: number; score: string } | undefined {
  const match = /~(\d+)~(\d+)~(-?\d+)$/.exec(entryId);
  return match ? { version: Number(match[1]), shard: Number(match[2]), score: match[3] } : undefined;
}

/**
 * The policy fields each shard keeps a copy of, for its own scripts (the schedule, the estimate
 * basis): written when a shard is made, after an operator's change, and by the promoter whenever
 * they differ (lua/lib/admission.lua, shard_copy).
 */
export const SHARD_COPY_FIELDS = ['measuredRate', 'admitPerSecond', 'readyTtlSeconds', 'saleStartsAt', 'preQueueOpensAt'] as const;

/** The home slot's values of SHARD_COPY_FIELDS ('' for a field not set). */
export async function readShardCopy(redis: Cluster, concertId: string): Promise<Record<string, string>> {
  const values = await redis.hmget(queueKeys(concertId).policy, ...SHARD_COPY_FIELDS);
  return Object.fromEntries(SHARD_COPY_FIELDS.map((field, i) => [field, values[i] ?? '']));
}
