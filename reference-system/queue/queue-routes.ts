import type Router from '@koa/router';
import { requireToken } from '../waiting-room/turn-access.ts';
import type { TokenClaims, TokenCodec } from '../shared/queue-token.ts';
import { requireId, requireObject } from '../shared/validation.ts';
import type { QueueRateLimits } from './rate-limit.ts';
import type { QueueService } from './queue-service.ts';

export function registerQueueRoutes(
  router: Router,
  /** `changed`: an entry was activated or ended here (its status streams hear of it at once). */
  deps: { service: QueueService; tokens: TokenCodec; rateLimits?: QueueRateLimits; changed?: (claims: TokenClaims) => void },
) {
  const { service, tokens, rateLimits, changed } = deps;

  router.post('/api/v1/queue/enter', async (ctx) => {
    const body = requireObject(ctx.request.body);
    const concertId = requireId(body.concertId, 'concertId');
    const userId = requireId(body.userId, 'userId');
    rateLimits?.enter.take(userId);
    const { created, ...entry } = await service.enter(concertId, userId);
    ctx.status = created ? 201 : 200;
    ctx.body = entry;
  });

  router.get('/api/v1/queue/status', async (ctx) => {
    const claims = requireToken(ctx, tokens);
    rateLimits?.status.take(claims.userId);
    ctx.body = await service.status(claims);
  });

  router.post('/api/v1/queue/activate', async (ctx) => {
    const claims = requireToken(ctx, tokens);
    ctx.body = await service.activate(claims);
    changed?.(claims);
  });

  router.post('/api/v1/queue/extend', async (ctx) => {
    ctx.body = await service.extend(requireToken(ctx, tokens));
  });

  router.delete('/api/v1/queue/token', async (ctx) => {
    const claims = requireToken(ctx, tokens);
    await service.exit(claims);
    changed?.(claims);
    ctx.status = 204;
  });
}
