import type { Cluster } from 'ioredis';
import type { Pool } from 'pg';
import { requireAdmin } from '../shared/admin-auth.ts';
import { ApiError, unavailable } from '../shared/errors.ts';
import { createHttpApp } from '../shared/http-app.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetrics } from '../shared/metrics.ts';
import { createQueueAccess, type QueueAccess } from '../waiting-room/turn-access.ts';
import type { QueuePolicy } from '../waiting-room/policy.ts';
import { createRoomStore } from '../waiting-room/room-store.ts';
import { createRooms } from '../waiting-room/rooms.ts';
import type { TokenCodec } from '../shared/queue-token.ts';
import { isRedisUnavailable } from '../waiting-room/cluster-client.ts';
import { isPostgresUnavailable } from './postgres-errors.ts';
import { requireId, requireInt, requireObject, requireString } from '../shared/validation.ts';
import { openWaitingRoom } from '../waiting-room/open-room.ts';
import { createConcert } from './concerts.ts';
import { createCoreMetrics } from './core-metrics.ts';
import { registerCoreRoutes } from './core-routes.ts';
import { createHoldPolicy, type HoldPolicy } from './hold-policy.ts';
import { startHoldSweeper } from './hold-sweeper.ts';
import { instrumentGateway, type PaymentGateway } from './payment-gateway-client.ts';
import { startPaymentReconciler } from './payment-reconciler.ts';
import { createPayments, replayWaitMs, type PaymentSettings } from './payments.ts';
import { createReservations } from './reservations.ts';
import { createSeatMap } from './seat-map.ts';

export type CoreSettings = PaymentSettings & {
  /**
   * Longest a request may take before it is answered 503 SERVICE_UNAVAILABLE (http-app.ts), so
   * no fan is left hanging when PostgreSQL's link loses packets: TCP's retransmits, each waiting
   * twice as long as the one before, held a reservation over 15 s under 20 % loss. Every core
   * call is safe to retry (a hold asked for again is the same hold, payments carry a key).
   * main.ts sets requestDeadlineMs(paymentTimeoutMs); a test may leave it out (no deadline).
   */
  requestDeadlineMs?: number;
  /** Background work; a test leaves it out and drives sweeps and reconciliation itself. */
  background?: {
    holdSweepIntervalMs: number;
    reconcileIntervalMs: number;
    /** A PENDING payment older than this, with no live request holding it, was abandoned. */
    abandonAfterMs: number;
  };
};

/** Half a second after a repeated payment gives up waiting (replayWaitMs), so it gets its own answer first: 9.5 s by default. */
export const requestDeadlineMs = (paymentTimeoutMs: number) => replayWaitMs(paymentTimeoutMs) + 500;

export type CoreAppDeps = {
  redis: Cluster;
  pool: Pool;
  logger: Logger;
  adminToken: string;
  defaultPolicy: QueuePolicy;
  tokens: TokenCodec;
  gateway: PaymentGateway;
  settings: CoreSettings;
  /** Seams for tests; by default both talk to the queue's Redis. */
  queueAccess?: QueueAccess;
  holdPolicy?: HoldPolicy;
};

/** The core booking service as a Koa app; it listens only from main.ts (or a test). */
export function createCoreApp(deps: CoreAppDeps) {
  const { redis, pool, logger, tokens, settings } = deps;
  const metrics = createMetrics('core');
  const core = createCoreMetrics(metrics, pool);
  const gateway = instrumentGateway(deps.gateway, core);
  const queueAccess = deps.queueAccess ?? createQueueAccess({ rooms: createRooms({ redis, store: createRoomStore(redis) }), tokens });
  const holdPolicy = deps.holdPolicy ?? createHoldPolicy(redis, deps.defaultPolicy.holdSeconds);
  const reservations = createReservations({ pool, metrics: core });
  const payments = createPayments({
    pool,
    gateway,
    logger,
    metrics: core,
    endQueueEntry: (claims) => queueAccess.complete(claims),
    settings,
  });

  const { router, finish } = createHttpApp({
    logger,
    metrics,
    requestDeadlineMs: settings.requestDeadlineMs,
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
    try {
      const created = await createConcert(pool, concert);
      await openWaitingRoom(redis, concert.concertId, deps.defaultPolicy);
      ctx.status = 201;
      ctx.body = created;
    } catch (error) {
      // A create whose waiting room did not open (Redis failed after the commit) is healed by
      // the retry that gets 409: opening is idempotent and keeps any policy already set.
      if (error instanceof ApiError && error.code === 'CONCERT_EXISTS') await openWaitingRoom(redis, concert.concertId, deps.defaultPolicy);
      throw error;
    }
  });

  registerCoreRoutes(router, { queueAccess, tokens, holdPolicy, reservations, seatMap: createSeatMap(reservations), payments });

  const workers = settings.background
    ? [
        startHoldSweeper({ pool, logger, metrics: core }, settings.background.holdSweepIntervalMs),
        startPaymentReconciler(
          {
            pool,
            gateway,
            logger,
            metrics: core,
            settings: { abandonAfterMs: settings.background.abandonAfterMs, reconcileWindowMs: settings.reconcileWindowMs },
          },
          settings.background.reconcileIntervalMs,
        ),
      ]
    : [];

  return { app: finish(), metrics, stop: () => workers.forEach((w) => w.stop()) };
}
