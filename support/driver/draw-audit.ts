import { createHash, createHmac } from 'node:crypto';

/**
 * How anyone can check a scheduled sale's draw from what the operator publishes (docs/api.md,
 * "Scheduled sales with a pre-queue"): the seed must hash (SHA-256) to the commitment shown
 * before the start, and the pre-queue's order is its fans sorted by HMAC-SHA256(seed, userId),
 * hex ascending. Written from the contract alone, not from the reference system's code.
 */
export const drawAudit = {
  seedMatches(seedHex: string, commitmentHex: string): boolean {
    return createHash('sha256').update(Buffer.from(seedHex, 'hex')).digest('hex') === commitmentHex;
  },

  /** The userIds in the order the draw gives them. */
  order(seedHex: string, userIds: readonly string[]): string[] {
    const key = Buffer.from(seedHex, 'hex');
    const hash = (userId: string) => createHmac('sha256', key).update(userId, 'utf8').digest('hex');
    return userIds.map((userId) => ({ userId, hash: hash(userId) })).sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0)).map((d) => d.userId);
  },

  /** Fans (anything with a userId) in the order the draw gives them. */
  orderOf<T extends { userId: string }>(seedHex: string, entrants: readonly T[]): T[] {
    const byUser = new Map(entrants.map((entrant) => [entrant.userId, entrant]));
    return drawAudit.order(seedHex, entrants.map((entrant) => entrant.userId)).map((userId) => byUser.get(userId)!);
  },
};
