import type Router from '@koa/router';
import type { Cluster } from 'ioredis';
import { requireAdmin } from '../shared/admin-auth.ts';
import { notFound, validationFailed } from '../shared/errors.ts';
import { queueKeys } from '../shared/queue-keys.ts';
import { POLICY_LIMITS, parsePolicy, type QueuePolicy } from '../shared/queue-policy.ts';
import { requireId, requireInt, requireObject } from '../shared/validation.ts';

/** Operators' controls of one concert's waiting room; every queue instance serves them. */
export function registerQueueAdminRoutes(router: Router, deps: { redis: Cluster; adminToken: string; defaultPolicy: QueuePolicy }) {
  const { redis } = deps;
  const admin = requireAdmin(deps.adminToken);

  const existingRoom = async (rawId: string) => {
    const concertId = requireId(rawId, 'concertId');
    const keys = queueKeys(concertId);
    if (!(await redis.exists(keys.policy))) throw notFound('CONCERT_NOT_FOUND', `concert ${concertId} does not exist`);
    return keys;
  };

  router.put('/admin/concerts/:concertId/queue-policy', admin, async (ctx) => {
    const keys = await existingRoom(ctx.params.concertId);
    const body = requireObject(ctx.request.body);
    const changes: Partial<Record<keyof QueuePolicy, number>> = {};
    for (const [field, [min, max]] of Object.entries(POLICY_LIMITS) as [keyof QueuePolicy, [number, number]][]) {
      if (body[field] !== undefined) changes[field] = requireInt(body[field], field, min, max);
    }
    if (Object.keys(changes).length === 0) throw validationFailed(`give at least one of ${Object.keys(POLICY_LIMITS).join(', ')}`);
    await redis.hset(keys.policy, changes);
    ctx.body = parsePolicy(await redis.hgetall(keys.policy), deps.defaultPolicy);
  });

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
    const keys = await existingRoom(ctx.params.concertId);
    const [waiting, ready, active, stats] = await Promise.all([
      redis.zcard(keys.waiting),
      redis.zcard(keys.ready),
      redis.zcard(keys.active),
      redis.hgetall(keys.stats),
    ]);
    const count = (name: string) => Number(stats[name] ?? 0);
    ctx.body = {
      waiting,
      ready,
      active,
      entered: count('entered'),
      exited: count('exited'),
      expired: count('expired'),
      completed: count('completed'),
    };
  });
}
