import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { ApiError } from './errors.ts';

/** Guards /admin routes with a bearer token, compared in constant time. */
export function requireAdmin(adminToken: string): Middleware {
  const expected = digest(adminToken);
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer (.+)$/.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]), expected)) {
      throw new ApiError(401, 'ADMIN_UNAUTHORIZED', 'a valid admin bearer token is required');
    }
    await next();
  };
}

// Hashing first gives equal-length buffers, so the comparison never leaks the token's length.
const digest = (value: string) => createHash('sha256').update(value).digest();
