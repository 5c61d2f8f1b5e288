import type Router from '@koa/router';
import { requireToken } from '../waiting-room/turn-access.ts';
import type { TokenCodec } from '../shared/queue-token.ts';
import type { QueueRateLimits } from './rate-limit.ts';
import type { StatusStreams } from './status-streams.ts';

/**
 * GET /api/v1/queue/events: the fan's status as Server-Sent Events (docs/api.md). Refusals come
 * before the stream starts, as plain JSON errors; opening a stream counts as a status poll
 * against the fan's rate limit, so reconnecting in a loop is throttled like polling.
 */
export function registerStatusEventsRoute(router: Router, deps: { streams: StatusStreams; tokens: TokenCodec; rateLimits?: QueueRateLimits }) {
  const { streams, tokens, rateLimits } = deps;
  router.get('/api/v1/queue/events', async (ctx) => {
    const claims = requireToken(ctx, tokens, { orQuery: true });
    rateLimits?.status.take(claims.userId);
    await streams.open(claims, ctx.res, () => {
      ctx.status = 200;
      ctx.respond = false;
      ctx.res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // A stream's connection is not reused: when the stream ends (a final status, shutdown)
        // the socket closes with it, so a draining server is not held up by idle keep-alives.
        connection: 'close',
        'x-accel-buffering': 'no',
      });
    });
  });
}
