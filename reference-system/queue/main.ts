import { env, envInt, redisSettings, secretEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { defaultQueuePolicy } from '../waiting-room/policy.ts';
import { createTokenCodec } from '../shared/queue-token.ts';
import { connectCluster } from '../waiting-room/cluster-client.ts';
import { serve } from '../shared/serve.ts';
import { createQueueApp } from './queue-app.ts';
import { promoterSettings } from './promoter-settings.ts';
import { durableWritesFromEnv } from '../waiting-room/durable-writes.ts';
import { queueRateLimitsFromEnv } from './rate-limit.ts';
import { streamLimitFromEnv } from './stream-settings.ts';

const logger = createLogger(env('SERVICE_NAME', 'queue'));
const redis = connectCluster(redisSettings());
const { app, promoter, streams } = createQueueApp({
  redis,
  tokens: createTokenCodec(secretEnv('QUEUE_TOKEN_SECRET')),
  logger,
  adminToken: secretEnv('ADMIN_TOKEN', 16),
  defaultPolicy: defaultQueuePolicy(),
  durableWrites: durableWritesFromEnv(),
  rateLimits: queueRateLimitsFromEnv(),
  promoter: promoterSettings(),
  streams: { limit: streamLimitFromEnv() },
});

serve(app, {
  port: envInt('PORT', 8081),
  logger,
  // Open status streams would hold the drain until the forced exit: end them first, and their
  // clients reconnect elsewhere (the stream's retry: field).
  beforeClose: () => streams.closeAll(),
  onClose: async () => {
    await promoter?.stop();
    await redis.quit();
  },
});
