import type { Context } from 'koa';
import { ApiError } from '../shared/errors.ts';
import type { Rooms } from './rooms.ts';
import type { TokenClaims, TokenCodec } from '../shared/queue-token.ts';

export const TOKEN_HEADER = 'x-queue-token';

/**
 * The claims of the request's queue token, or 401 TOKEN_MISSING / TOKEN_INVALID. `orQuery`: a
 * `token=` query parameter may carry it instead (the status stream: a browser's EventSource
 * cannot set headers); loggers and reports mask it there too (../shared/logger.ts).
 */
export function requireToken(ctx: Context, tokens: TokenCodec, options: { orQuery?: boolean } = {}): TokenClaims {
  const fromQuery = options.orQuery && typeof ctx.query.token === 'string' ? ctx.query.token : '';
  const raw = ctx.get(TOKEN_HEADER) || fromQuery;
  const where = options.orQuery ? 'X-Queue-Token header or token query parameter' : 'X-Queue-Token header';
  if (!raw) throw new ApiError(401, 'TOKEN_MISSING', `${where} is required`);
  const claims = tokens.verify(raw);
  if (!claims) throw new ApiError(401, 'TOKEN_INVALID', `${options.orQuery ? 'the queue token' : 'X-Queue-Token'} is not a valid queue token`);
  return claims;
}

export const tokenExpired = () => new ApiError(410, 'TOKEN_EXPIRED', 'this queue token has expired or was ended');

/**
 * How the core service checks a queue token: the signature locally, the ACTIVE state in Redis
 * (which also slides the idle deadline), and the concert the call is about.
 */
export function createQueueAccess(deps: { rooms: Rooms; tokens: TokenCodec }) {
  const { rooms, tokens } = deps;
  return {
    async requireActive(ctx: Context, concertId?: string): Promise<TokenClaims> {
      const claims = requireToken(ctx, tokens);
      if (concertId !== undefined && claims.concertId !== concertId) {
        throw new ApiError(403, 'TOKEN_WRONG_CONCERT', 'this queue token is for another concert');
      }
      const { state } = await rooms.touch(claims.concertId, claims.entryId, claims.userId);
      if (state === 'GONE') throw tokenExpired();
      if (state !== 'ACTIVE') throw new ApiError(403, 'TOKEN_NOT_ACTIVE', `the queue entry is ${state}, not ACTIVE`);
      return claims;
    },

    /** Ends the entry after a completed booking, freeing its slot at once. */
    async complete(claims: TokenClaims): Promise<void> {
      await rooms.finish(claims.concertId, claims.entryId, claims.userId, 'completed');
    },
  };
}

export type QueueAccess = ReturnType<typeof createQueueAccess>;
