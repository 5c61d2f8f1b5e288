import type { Cluster } from 'ioredis';
import { createHttpApp } from '../shared/http-app.ts';
import { unavailable } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetrics } from '../shared/metrics.ts';
import type { QueuePolicy } from '../waiting-room/policy.ts';
import { createRoomStore } from '../waiting-room/room-store.ts';
import { createRooms } from '../waiting-room/rooms.ts';
import type { TokenCodec } from '../shared/queue-token.ts';
import { isRedisUnavailable } from '../waiting-room/cluster-client.ts';
import type { DurableWrites, ReplicaView } from '../waiting-room/durable-writes.ts';
import type { QueueRateLimits } from './rate-limit.ts';
import { startPromoter, type PromoterOptions } from './promoter.ts';
import { registerQueueAdminRoutes } from './queue-admin-routes.ts';
import { createQueueMetrics } from './queue-metrics.ts';
import { registerQueueRoutes } from './queue-routes.ts';
import { createQueueService } from './queue-service.ts';
import { createDraws } from './draw.ts';
import { createStatusStreams, DEFAULT_STREAM_SETTINGS, type StreamSettings } from './status-streams.ts';
import { registerStatusEventsRoute } from './status-events-route.ts';
import { createStreamLeases } from './stream-leases.ts';
import { createStreamMetrics } from './stream-metrics.ts';
import { randomBytes } from 'node:crypto';

export type QueueAppDeps = {
  redis: Cluster;
  tokens: TokenCodec;
  logger: Logger;
  adminToken: string;
  defaultPolicy: QueuePolicy;
  /** Without it the app admits nobody (tests that drive promotion themselves). */
  promoter?: PromoterOptions;
  /** Wait for a replica before acknowledging enter/activate/exit (waiting-room/durable-writes.ts). */
  durableWrites?: DurableWrites;
  /** Per-user limits on enter and status (rate-limit.ts); none when left out. */
  rateLimits?: QueueRateLimits;
  /** Status streams (GET /api/v1/queue/events): the instance's limit, tick, heartbeat. */
  streams?: Partial<StreamSettings>;
};

/** The queue service as a Koa app; it listens only from main.ts (or a test). */
export function createQueueApp(deps: QueueAppDeps) {
  const { redis, tokens, logger } = deps;
  const metrics = createMetrics('queue');
  const store = createRoomStore(redis, { durableWrites: deps.durableWrites });
  const rooms = createRooms({ redis, store, onAdmitted: (concertId, latenciesMs) => queueMetrics.admitted(concertId, latenciesMs) });
  const draws = createDraws(redis);
  const service = createQueueService({ rooms, tokens, draws });
  const queueMetrics = createQueueMetrics({ metrics, redis, rooms, logger });

  const { router, finish } = createHttpApp({
    logger,
    metrics,
    readiness: [
      { name: 'redis', check: () => clusterServing(redis) },
      // Ready for an opening burst: every durable write knows from the start whether its shard
      // has a replica to wait for (waiting-room/durable-writes.ts, createReplicaView).
      ...(store.replicas ? [{ name: 'replication', check: () => replicaCountsKnown(store.replicas!) }] : []),
    ],
    translateError: (e) => (isRedisUnavailable(e) ? unavailable('the waiting room is briefly unavailable, retry shortly') : undefined),
    // Every queue operation is idempotent, so a slow one may be cut off: a fan retries instead of
    // waiting on a Redis failover (docs/guarantees.md).
    requestDeadlineMs: 1500,
  });
  // The bound on expiry with nobody calling (docs/guarantees.md, Expiry bounds): a scenario measures against it.
  if (deps.promoter) metrics.gauge('queue_promoter_interval_seconds', 'How often this instance runs a promoter step (PROMOTER_INTERVAL_MS)').set(deps.promoter.intervalMs / 1000);
  const streamSettings = { ...DEFAULT_STREAM_SETTINGS, ...deps.streams };
  const streams = createStatusStreams({
    redis,
    rooms,
    service,
    leases: createStreamLeases(redis),
    logger,
    settings: streamSettings,
    events: createStreamMetrics(metrics, streamSettings.limit),
    instanceId: `${process.pid}-${randomBytes(4).toString('hex')}`,
  });
  registerQueueRoutes(router, { service, tokens, rateLimits: deps.rateLimits, changed: (claims) => streams.changed(claims.concertId, claims.entryId) });
  registerStatusEventsRoute(router, { streams, tokens, rateLimits: deps.rateLimits });
  registerQueueAdminRoutes(router, { redis, rooms, draws, adminToken: deps.adminToken, defaultPolicy: deps.defaultPolicy });
  const promoter = deps.promoter ? startPromoter({ redis, rooms, logger, metrics: queueMetrics }, deps.promoter) : undefined;
  return { app: finish(), service, store, rooms, metrics, promoter, streams };
}

async function replicaCountsKnown(replicas: ReplicaView): Promise<void> {
  if (!(await replicas.loaded())) throw new Error('replica counts of the masters not known yet');
}

/** Ready only while the cluster serves every slot: a PING alone succeeds on a broken cluster. */
async function clusterServing(redis: Cluster): Promise<void> {
  const info = String(await redis.call('CLUSTER', 'INFO'));
  if (!info.includes('cluster_state:ok')) throw new Error('Redis Cluster state is not ok');
}
