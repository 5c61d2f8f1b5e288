import type { Cluster } from 'ioredis';

/** Most status streams one entry may have open at once, over every instance (docs/api.md). */
export const STREAMS_PER_ENTRY = 2;
/** A lease not renewed for this long is forgotten: a dead instance's streams stop counting. */
export const LEASE_MS = 60_000;
/** Each instance renews the leases of its open streams this often. */
export const LEASE_RENEW_MS = 20_000;

/**
 * The open status streams of one entry, counted across instances: a sorted set per entry
 * (under the concert's hash tag, so it lives beside the room's keys), member = one stream,
 * score = when its lease runs out (this instance's clock, ms), the key itself expiring with the
 * last lease. An instance that dies stops renewing, so its streams stop counting within
 * LEASE_MS without anyone cleaning up. Clocks of instances may differ by much less than
 * LEASE_MS − LEASE_RENEW_MS (40 s) before one could forget another's live stream.
 */
export const streamLeasesKey = (concertId: string, entryId: string) => `queue:{${concertId}}:streams:${entryId}`;

export type StreamLease = { concertId: string; entryId: string; member: string };

export function createStreamLeases(redis: Cluster) {
  return {
    /**
     * Takes a lease for one more stream of the entry; false (and nothing kept) when the entry
     * already has STREAMS_PER_ENTRY. One MULTI: two streams opened at the same instant can both
     * be refused, never both let past the limit.
     */
    async take(lease: StreamLease, now = Date.now()): Promise<boolean> {
      const key = streamLeasesKey(lease.concertId, lease.entryId);
      const replies = await redis
        .multi()
        .zremrangebyscore(key, '-inf', now)
        .zadd(key, now + LEASE_MS, lease.member)
        .zcard(key)
        .pexpire(key, LEASE_MS)
        .exec();
      const [error, open] = replies?.[2] ?? [new Error('no reply to ZCARD')];
      if (error) throw error;
      if (Number(open) <= STREAMS_PER_ENTRY) return true;
      await redis.zrem(key, lease.member);
      return false;
    },

    async release(lease: StreamLease): Promise<void> {
      await redis.zrem(streamLeasesKey(lease.concertId, lease.entryId), lease.member);
    },

    /** Renews leases, one pipeline per concert (a cluster pipeline stays within one slot). */
    async renew(leases: Iterable<StreamLease>, now = Date.now()): Promise<void> {
      const byConcert = new Map<string, StreamLease[]>();
      for (const lease of leases) {
        const list = byConcert.get(lease.concertId);
        if (list) list.push(lease);
        else byConcert.set(lease.concertId, [lease]);
      }
      await Promise.all(
        [...byConcert.values()].map((list) => {
          const pipeline = redis.pipeline();
          for (const lease of list) {
            const key = streamLeasesKey(lease.concertId, lease.entryId);
            // Plain ZADD: a lease a failover lost is counted again.
            pipeline.zadd(key, now + LEASE_MS, lease.member).pexpire(key, LEASE_MS);
          }
          return pipeline.exec();
        }),
      );
    },
  };
}

export type StreamLeases = ReturnType<typeof createStreamLeases>;
