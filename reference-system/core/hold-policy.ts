import type { Cluster } from 'ioredis';
import { queueKeys } from '../waiting-room/keys.ts';

/**
 * How long a hold lasts for a concert: `holdSeconds` of the concert's waiting-room policy (set by
 * operators through the queue admin API), or the default. Read per hold, so a change applies to
 * the next hold at once; the read goes to the same Redis node, pipelined with the token check.
 */
export function createHoldPolicy(redis: Cluster, defaultSeconds: number) {
  return {
    async holdSeconds(concertId: string): Promise<number> {
      const raw = await redis.hget(queueKeys(concertId).policy, 'holdSeconds');
      const value = Number(raw);
      return raw !== null && Number.isInteger(value) && value > 0 ? value : defaultSeconds;
    },
  };
}

export type HoldPolicy = ReturnType<typeof createHoldPolicy>;
