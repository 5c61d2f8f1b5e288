import { ConfigError, env, envInt, redisSettings, secretEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { defaultQueuePolicy } from '../waiting-room/policy.ts';
import { createTokenCodec } from '../shared/queue-token.ts';
import { connectCluster } from '../waiting-room/cluster-client.ts';
import { serve } from '../shared/serve.ts';
import { createCoreApp, requestDeadlineMs } from './core-app.ts';
import { createPool, openConnections } from './database.ts';
import { migrate } from './migrate.ts';
import { createPaymentGatewayClient } from './payment-gateway-client.ts';
import { survivePostgresRestarts } from './postgres-pool.ts';

const logger = createLogger(env('SERVICE_NAME', 'core'));
const paymentTimeoutMs = envInt('PAYMENT_TIMEOUT_MS', 2_000);
const abandonAfterMs = envInt('PAYMENT_ABANDON_AFTER_MS', Math.max(30_000, 3 * paymentTimeoutMs));
if (abandonAfterMs < paymentTimeoutMs) throw new ConfigError('PAYMENT_ABANDON_AFTER_MS must be at least PAYMENT_TIMEOUT_MS');
// A client losing its connection (PostgreSQL restart), idle or in use, must not crash the process.
const poolSize = envInt('DATABASE_POOL_SIZE', 20);
const pool = survivePostgresRestarts(createPool({ connectionString: env('DATABASE_URL'), max: poolSize }), logger);
const applied = await migrate(pool);
if (applied.length) logger.info('migrations_applied', { applied });
await openConnections(pool, poolSize);

const redis = connectCluster(redisSettings());
const { app, stop } = createCoreApp({
  redis,
  pool,
  logger,
  adminToken: secretEnv('ADMIN_TOKEN', 16),
  defaultPolicy: defaultQueuePolicy(),
  tokens: createTokenCodec(secretEnv('QUEUE_TOKEN_SECRET')),
  gateway: createPaymentGatewayClient({ baseUrl: env('PAYMENT_GATEWAY_URL'), timeoutMs: paymentTimeoutMs }),
  settings: {
    paymentTimeoutMs,
    requestDeadlineMs: requestDeadlineMs(paymentTimeoutMs),
    reconcileWindowMs: envInt('PAYMENT_RECONCILE_WINDOW_MS', 60_000),
    background: {
      holdSweepIntervalMs: envInt('HOLD_SWEEP_INTERVAL_MS', 1_000),
      reconcileIntervalMs: envInt('PAYMENT_RECONCILE_INTERVAL_MS', 1_000),
      // By default far beyond any live request's settle time. Any value is safe: a live request
      // holds the payment's row lock, which the reconciler skips, and one that had not locked
      // it yet finds the verdict and answers with it. Too low only gives up on slow requests.
      abandonAfterMs,
    },
  },
});

serve(app, {
  port: envInt('PORT', 8080),
  logger,
  onClose: async () => {
    stop();
    await Promise.all([redis.quit(), pool.end()]);
  },
});
