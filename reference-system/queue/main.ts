import { env, envInt, redisSettings, secretEnv } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { createTokenCodec } from '../shared/queue-token.ts';
import { connectCluster } from '../shared/redis.ts';
import { serve } from '../shared/serve.ts';
import { createQueueApp } from './queue-app.ts';

const logger = createLogger(env('SERVICE_NAME', 'queue'));
const redis = connectCluster(redisSettings());
const { app } = createQueueApp({ redis, tokens: createTokenCodec(secretEnv('QUEUE_TOKEN_SECRET')), logger });

serve(app, { port: envInt('PORT', 8081), logger, onClose: () => redis.quit() });
