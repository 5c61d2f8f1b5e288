import pg from 'pg';
import { env, envInt, redisSettings, secretEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { defaultQueuePolicy } from '../shared/queue-policy.ts';
import { connectCluster } from '../shared/redis.ts';
import { serve } from '../shared/serve.ts';
import { createCoreApp } from './core-app.ts';
import { migrate } from './migrate.ts';
import { survivePostgresRestarts } from '../shared/postgres-pool.ts';

const logger = createLogger(env('SERVICE_NAME', 'core'));
// A client losing its connection (PostgreSQL restart), idle or in use, must not crash the process.
const pool = survivePostgresRestarts(new pg.Pool({ connectionString: env('DATABASE_URL'), max: envInt('DATABASE_POOL_SIZE', 20) }), logger);
const applied = await migrate(pool);
if (applied.length) logger.info('migrations_applied', { applied });

const redis = connectCluster(redisSettings());
const { app } = createCoreApp({
  redis,
  pool,
  logger,
  adminToken: secretEnv('ADMIN_TOKEN', 16),
  defaultPolicy: defaultQueuePolicy(),
});

serve(app, { port: envInt('PORT', 8080), logger, onClose: () => Promise.all([redis.quit(), pool.end()]) });
