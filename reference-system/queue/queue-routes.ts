import type Router from '@koa/router';
import type { Context } from 'koa';
import { ApiError } from '../shared/errors.ts';
import type { TokenClaims, TokenCodec } from '../shared/queue-token.ts';
import { requireId, requireObject } from '../shared/validation.ts';
import type { QueueService } from './queue-service.ts';

export const TOKEN_HEADER = 'x-queue-token';

/** The claims of the request's queue token, or 401 TOKEN_MISSING / TOKEN_INVALID. */
export function requireToken(ctx: Context, tokens: TokenCodec): TokenClaims {
  const raw = ctx.get(TOKEN_HEADER);
  if (!raw) throw new ApiError(401, 'TOKEN_MISSING', 'X-Queue-Token header is required');
  const claims = tokens.verify(raw);
  if (!claims) throw new ApiError(401, 'TOKEN_INVALID', 'X-Queue-Token is not a valid queue token');
  return claims;
}

export function registerQueueRoutes(router: Router, deps: { service: QueueService; tokens: TokenCodec }) {
  const { service, tokens } = deps;

  router.post('/api/v1/queue/enter', async (ctx) => {
    const body = requireObject(ctx.request.body);
    const concertId = requireId(body.concertId, 'concertId');
    const userId = requireId(body.userId, 'userId');
    const { created, ...entry } = await service.enter(concertId, userId);
    ctx.status = created ? 201 : 200;
    ctx.body = entry;
  });

  router.get('/api/v1/queue/status', async (ctx) => {
    ctx.body = await service.status(requireToken(ctx, tokens));
  });
}
