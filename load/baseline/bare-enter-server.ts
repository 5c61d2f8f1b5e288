/**
 * The bare baseline: the least an enter endpoint can be on this stack. Koa, a JSON body
 * parser, one route, one Redis call (INCR on one key, so one cluster node does the work, as
 * for the queue's one concert). The closed-loop capacity run compares the queue with this.
 * Started as a child process by bare-enter.ts; never part of the system under test.
 */
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { connectRedis } from '../redis-client.ts';

const redis = connectRedis(process.env.REDIS_CLUSTER_NODES ?? '', process.env.REDIS_NAT_MAP ?? '');
const app = new Koa();
app.use(bodyParser());
app.use(async (ctx) => {
  if (ctx.method === 'GET' && ctx.path === '/health') {
    await redis.ping();
    ctx.body = { status: 'UP' };
    return;
  }
  if (ctx.method !== 'POST' || ctx.path !== '/enter') return;
  const { concertId, userId } = ctx.request.body as { concertId: string; userId: string };
  const position = await redis.incr(`bare:{${concertId}}:seq`);
  ctx.status = 201;
  ctx.body = { userId, position };
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.close();
  redis.disconnect();
  process.exit(0);
});
