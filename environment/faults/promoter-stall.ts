import { OPEN_ROOMS_KEY } from '../../reference-system/waiting-room/keys.ts';
import type { StartedRedisCluster } from '../redis-cluster.ts';
import { FaultRefusal, type FaultKind } from './fault-kind.ts';

/**
 * The promoters fall behind on one concert: every queue instance's promoter stops tending it
 * (no admission, no expiry in the background) while every call keeps being served. What a
 * backlog of rooms, or promoters starved of CPU, does to one sale; and what a scenario needs to
 * see a promise kept by the other mechanism alone (expiry on read, lua/lib/common.lua
 * `entry_state`). The promoters find the rooms to tend in the set `queue:rooms`
 * (reference-system/waiting-room/keys.ts); the concert is taken out of it, and put back on
 * restore.
 */
export function promoterStall(redis: StartedRedisCluster, log: (line: string) => void): FaultKind {
  const stalled = new Set<string>();
  const onCluster = async <T>(work: (client: ReturnType<StartedRedisCluster['createClient']>) => Promise<T>): Promise<T> => {
    const client = redis.createClient();
    try {
      return await work(client);
    } finally {
      client.disconnect();
    }
  };
  return {
    handlers: {
      async stallPromoters(_, body) {
        const concertId = (body as { concertId?: unknown })?.concertId;
        if (typeof concertId !== 'string' || !concertId) throw new FaultRefusal(400, 'body must be {"concertId": "<id>"}');
        const removed = await onCluster((client) => client.srem(OPEN_ROOMS_KEY, concertId));
        if (removed !== 1) throw new FaultRefusal(404, `no open waiting room for ${concertId}: nothing to stall`);
        stalled.add(concertId);
        log(`infra: promoters stopped tending ${concertId}`);
        return { concertId, stalled: true };
      },
    },
    state: () => ({ promotersStalled: [...stalled] }),
    async restore() {
      if (stalled.size === 0) return;
      await onCluster((client) => client.sadd(OPEN_ROOMS_KEY, ...stalled));
      stalled.clear();
    },
  };
}
