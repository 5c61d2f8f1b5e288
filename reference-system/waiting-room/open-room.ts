import type { Cluster } from 'ioredis';
import { OPEN_ROOMS_KEY, queueKeys } from './keys.ts';
import type { QueuePolicy } from './policy.ts';

/**
 * Opens a concert's waiting room: writes its policy (only fields not already set, so a re-run
 * never resets an operator's changes) and registers it for the promoters.
 */
export async function openWaitingRoom(redis: Cluster, concertId: string, policy: QueuePolicy): Promise<void> {
  const key = queueKeys(concertId).policy;
  const tx = redis.multi();
  for (const [field, value] of Object.entries(policy)) tx.hsetnx(key, field, String(value));
  await tx.exec();
  await redis.sadd(OPEN_ROOMS_KEY, concertId);
}
