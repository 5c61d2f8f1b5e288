import type { Cluster } from 'ioredis';
import type { Pool } from 'pg';
import { requireAdmin } from '../shared/admin-auth.ts';
import { unavailable } from '../shared/errors.ts';
import { createHttpApp } from '../shared/http-app.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetrics } from '../shared/metrics.ts';
import type { QueuePolicy } from '../shared/queue-policy.ts';
import { isRedisUnavailable } from '../shared/redis.ts';
import { isPostgresUnavailable } from '../shared/postgres-errors.ts';
import { requireId, requireInt, requireObject, requireString } from '../shared/validation.ts';
import { openWaitingRoom } from '../shared/waiting-room.ts';
import { createConcert } from './concerts.ts';

export type CoreAppDeps = {
  redis: Cluster;
  pool: Pool;
  logger: Logger;
  adminToken: string;
  defaultPolicy: QueuePolicy;
};

/** The core booking service as a Koa app; it listens only from main.ts (or a test). */
export function createCoreApp(deps: CoreAppDeps) {
  const { redis, pool, logger } = deps;
  const metrics = createMetrics('core');
  const { router, finish } = createHttpApp({
    logger,
    metrics,
    readiness: [
      { name: 'redis', check: () => redis.ping() },
      { name: 'postgres', check: () => pool.query('SELECT 1') },
    ],
    translateError: (e) => {
      if (isRedisUnavailable(e)) return unavailable('the waiting room is briefly unavailable, retry shortly');
      if (isPostgresUnavailable(e)) return unavailable('bookings are briefly unavailable, retry shortly');
      return undefined;
    },
  });

  router.post('/admin/concerts', requireAdmin(deps.adminToken), async (ctx) => {
    const body = requireObject(ctx.request.body);
    const concert = {
      concertId: requireId(body.concertId, 'concertId'),
      name: requireString(body.name, 'name', 200),
      seatCount: requireInt(body.seatCount, 'seatCount', 1, 10_000),
      price: requireInt(body.price, 'price', 0, 100_000_000),
    };
    const created = await createConcert(pool, concert);
    await openWaitingRoom(redis, concert.concertId, deps.defaultPolicy);
    ctx.status = 201;
    ctx.body = created;
  });

  return { app: finish(), metrics };
}
