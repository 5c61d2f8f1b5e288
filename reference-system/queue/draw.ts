import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { queueKeys } from '../waiting-room/keys.ts';

/**
 * The draw of a scheduled sale: the order of its pre-queue. Each concert with a sale start has
 * a secret seed (32 random bytes, in its `draw` hash under the concert's hash tag) and publishes
 * only its commitment, SHA-256(seed), until the sale starts (lua/stats.lua). A pre-queued fan's
 * place is HMAC-SHA256(seed, userId): fixed the moment she enters, so the sale's start moves
 * nothing, and arriving early buys nothing. After the start the seed is published and anyone
 * can recompute the order: sort the pre-queued userIds by that HMAC, hex ascending.
 */

/** Pre-queue scores lie in [-2^53, -2^52): below every arrival number (1, 2, …) of later fans. */
const BAND_FLOOR = 2 ** 53;

/** HMAC-SHA256(seed, userId) as hex: what the published order sorts by. */
export function drawHash(seedHex: string, userId: string): string {
  return createHmac('sha256', Buffer.from(seedHex, 'hex')).update(userId, 'utf8').digest('hex');
}

/**
 * The waiting-set score of a pre-queued fan: the first 52 bits of her draw hash, in the band
 * below all arrival numbers. Exact as a double, so Redis sorts as the hex does (two fans share
 * a score with probability ~n²/2^53: 1 in 100,000 for 300,000 fans; Redis then orders them by
 * entry id).
 */
export function drawScore(seedHex: string, userId: string): number {
  return Number.parseInt(drawHash(seedHex, userId).slice(0, 13), 16) - BAND_FLOOR;
}

export function commitmentOf(seedHex: string): string {
  return createHash('sha256').update(Buffer.from(seedHex, 'hex')).digest('hex');
}

/** The concerts' seeds, as the queue service uses them: made once, read once per instance. */
export function createDraws(redis: Cluster) {
  // A seed never changes once made, so an instance keeps what it read.
  const seeds = new Map<string, string>();

  const seedOf = async (concertId: string): Promise<string> => {
    const known = seeds.get(concertId);
    if (known) return known;
    const seed = await redis.hget(queueKeys(concertId).draw, 'seed');
    if (!seed) throw new Error(`concert ${concertId} has a sale start but no draw`);
    seeds.set(concertId, seed);
    return seed;
  };

  return {
    /** The user's pre-queue score when this instance knows the concert's seed, else '' (enter.lua asks). */
    knownScore(concertId: string, userId: string): string {
      const seed = seeds.get(concertId);
      return seed ? String(drawScore(seed, userId)) : '';
    },

    async score(concertId: string, userId: string): Promise<string> {
      return String(drawScore(await seedOf(concertId), userId));
    },

    /** Makes the concert's seed and commitment unless it has them: before any sale start is stored. */
    async ensure(concertId: string): Promise<void> {
      const key = queueKeys(concertId).draw;
      await redis.hsetnx(key, 'seed', randomBytes(32).toString('hex'));
      const seed = await redis.hget(key, 'seed');
      if (!seed) throw new Error(`the draw of concert ${concertId} vanished`);
      await redis.hset(key, 'commitment', commitmentOf(seed));
    },
  };
}

export type Draws = ReturnType<typeof createDraws>;
