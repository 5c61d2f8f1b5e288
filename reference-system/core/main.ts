import pg from 'pg';
import { env, envInt, redisSettings, secretEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { defaultQueuePolicy } from '../shared/queue-policy.ts';
import { connectCluster } from '../shared/redis.ts';
import { serve } from '../shared/serve.ts';
import { createCoreApp } from './core-app.ts';
import { migrate } from './migrate.ts';

const logger = createLogger(env('SERVICE_NAME', 'core'));
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: envInt('DATABASE_POOL_SIZE', 20) });
// An idle client losing its connection (PostgreSQL restart) must not crash the process.
pool.on('error', (error) => logger.warn('postgres_idle_client_error', { cause: error.message }));
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
