import type Router from '@koa/router';
import type { Cluster } from 'ioredis';
import { requireAdmin } from '../shared/admin-auth.ts';
import { notFound, validationFailed } from '../shared/errors.ts';
import { queueKeys } from '../shared/queue-keys.ts';
import { POLICY_LIMITS, parsePolicy, type QueuePolicy } from '../shared/queue-policy.ts';
import type { QueueScripts } from '../shared/queue-scripts.ts';
import { requireId, requireInt, requireObject } from '../shared/validation.ts';
import { readRoomStats } from './room-stats.ts';

const concertNotFound = (concertId: string) => notFound('CONCERT_NOT_FOUND', `concert ${concertId} does not exist`);

/**
 * Operators' controls of one concert's waiting room; every queue instance serves them. Checks
 * run in this order, each before anything changes: bearer (401), concert id (400), concert
 * exists (404), body (400).
 */
export function registerQueueAdminRoutes(
  router: Router,
  deps: { redis: Cluster; scripts: QueueScripts; adminToken: string; defaultPolicy: QueuePolicy },
) {
  const { redis, scripts } = deps;
  const admin = requireAdmin(deps.adminToken);

  const existingRoom = async (rawId: string) => {
    const concertId = requireId(rawId, 'concertId');
    const keys = queueKeys(concertId);
    if (!(await redis.exists(keys.policy))) throw concertNotFound(concertId);
    return keys;
  };

  router.put('/admin/concerts/:concertId/queue-policy', admin, async (ctx) => {
    const keys = await existingRoom(ctx.params.concertId);
    const body = requireObject(ctx.request.body);
    const changes: Partial<Record<keyof QueuePolicy, number>> = {};
    for (const [field, [min, max]] of Object.entries(POLICY_LIMITS) as [keyof QueuePolicy, [number, number]][]) {
      if (body[field] !== undefined) changes[field] = requireInt(body[field], field, min, max);
    }
    // A body with none of the fields is most likely a typo; saying so beats a silent no-op.
    if (Object.keys(changes).length === 0) throw validationFailed(`give at least one of ${Object.keys(POLICY_LIMITS).join(', ')}`);
    await redis.hset(keys.policy, changes);
    ctx.body = parsePolicy(await redis.hgetall(keys.policy), deps.defaultPolicy);
  });

  // Pausing stops admission only: entering, polling, activating and expiry go on.
  router.post('/admin/concerts/:concertId/queue/pause', admin, async (ctx) => {
    const keys = await existingRoom(ctx.params.concertId);
    await redis.hset(keys.policy, 'paused', '1');
    ctx.status = 204;
  });

  router.post('/admin/concerts/:concertId/queue/resume', admin, async (ctx) => {
    const keys = await existingRoom(ctx.params.concertId);
    await redis.hset(keys.policy, 'paused', '0');
    ctx.status = 204;
  });

  router.get('/admin/concerts/:concertId/queue', admin, async (ctx) => {
    const concertId = requireId(ctx.params.concertId, 'concertId');
    const room = await readRoomStats(scripts, concertId);
    if (!room) throw concertNotFound(concertId);
    // The contract's seven counts, then extras operators want on a sale day.
    ctx.body = {
      waiting: room.waiting,
      ready: room.ready,
      active: room.active,
      entered: room.entered,
      exited: room.exited,
      expired: room.expired,
      completed: room.completed,
      admitted: room.admitted,
      paused: room.paused,
      measuredAdmitPerSecond: room.measuredAdmitPerSecond,
      policy: parsePolicy(room.policy, deps.defaultPolicy),
    };
  });
}
