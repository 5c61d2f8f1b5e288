import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { ApiError, unavailable } from './errors.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/** A dependency the service needs to serve traffic; /health/ready fails while any check throws. */
export type ReadinessCheck = { name: string; check: () => Promise<unknown> };

export type HttpAppOptions = {
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** Largest JSON body accepted; bigger ones get 413 PAYLOAD_TOO_LARGE before any work. */
  bodyLimit?: string;
  /** Maps infrastructure errors (Redis down, PostgreSQL restarting) to an ApiError, e.g. 503. */
  translateError?: (error: unknown) => ApiError | undefined;
  /**
   * Longest a request may take before it is answered 503 SERVICE_UNAVAILABLE, whatever a
   * dependency is doing (a failover, a blocked connection): no client is left hanging. Only for
   * services whose operations are safe to retry; unset, requests have no deadline. The
   * operational endpoints (OPERATIONAL_PATHS) are outside it.
   */
  requestDeadlineMs?: number;
};

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/**
 * Health and metrics serve operators, not fans, and bound their own waits (each readiness check
 * 1 s; a scrape's Redis reads commandTimeout). Under the fans' request deadline a loaded
 * instance answered a scrape 503 (it reads every open room) and would answer a liveness probe
 * so too: its monitoring went dark, and an orchestrator would restart it, under the very load
 * they exist for.
 */
const OPERATIONAL_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * The Koa app every service shares: JSON errors in the contract's shape, a body size limit,
 * HTTP metrics, and the operational endpoints. Services add their routes to `router`.
 */
export function createHttpApp(options: HttpAppOptions) {
  const { logger, metrics, readiness } = options;
  const app = new Koa();
  app.proxy = false;
  const router = new Router();

  app.use(metrics.httpMiddleware);
  app.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = errorBody('NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (caught) {
      const error = toApiError(caught, options.translateError);
      ctx.status = error.status;
      ctx.set(error.headers);
      ctx.body = { ...error.details, ...errorBody(error.code, error.message) };
      if (error.status >= 500) {
        logger.error('request_failed', {
          method: ctx.method,
          path: ctx.path,
          status: error.status,
          code: error.code,
          cause: caught instanceof Error ? caught.message : String(caught),
        });
      }
    }
  });
  if (options.requestDeadlineMs) app.use(requestDeadline(options.requestDeadlineMs, logger));
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: options.bodyLimit ?? '16kb',
      jsonStrict: true,
      // Any content type is parsed as JSON: clients that forget the header still get a 400 for
      // a malformed body rather than an empty object.
      detectJSON: () => true,
    }),
  );

  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'UP' };
  });
  router.get('/health/ready', async (ctx) => {
    const results = await Promise.all(
      readiness.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 1000);
          return [name, 'UP'] as const;
        } catch {
          return [name, 'DOWN'] as const;
        }
      }),
    );
    const down = results.some(([, state]) => state === 'DOWN');
    ctx.status = down ? 503 : 200;
    ctx.body = { status: down ? 'DOWN' : 'UP', checks: Object.fromEntries(results) };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });

  /** Call after the service registered its routes. */
  const finish = () => {
    app.use(router.routes());
    app.use(
      router.allowedMethods({
        throw: true,
        methodNotAllowed: () => new ApiError(405, 'METHOD_NOT_ALLOWED', 'method not allowed on this path'),
        // A method no route knows (TRACE, say) is the client's mistake like any other: 405, not
        // a 5xx that would page an operator (found by test/fuzz).
        notImplemented: () => new ApiError(405, 'METHOD_NOT_ALLOWED', 'method not allowed on this path'),
      }),
    );
    return app;
  };

  return { app, router, finish };
}

function toApiError(caught: unknown, translate?: (error: unknown) => ApiError | undefined): ApiError {
  if (caught instanceof ApiError) return caught;
  const translated = translate?.(caught);
  if (translated) return translated;
  const e = caught as { status?: number; type?: string; expose?: boolean; message?: string };
  if (e?.status === 413 || e?.type === 'entity.too.large') {
    return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'request body is too large');
  }
  if (e?.status === 415) return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'request body must be UTF-8 JSON');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    // Body-parser errors (malformed JSON, bad encoding, aborted request) are the client's.
    return new ApiError(400, 'VALIDATION_FAILED', e.type === 'entity.parse.failed' ? 'request body is not valid JSON' : 'malformed request');
  }
  return new ApiError(500, 'INTERNAL_ERROR', 'internal error');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Answers 503 when the rest of the chain has not finished within `ms`. The late work is left to
 * finish on its own (its outcome is only logged): every operation it may complete is one the
 * client's retry finds done, since each is idempotent.
 */
function requestDeadline(ms: number, logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    if (OPERATIONAL_PATHS.has(ctx.path)) return next();
    let timer: NodeJS.Timeout | undefined;
    const work = next();
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), ms);
    });
    try {
      if ((await Promise.race([work, expired])) === 'expired') {
        work.catch((error: unknown) => logger.warn('late_request_failed', { path: ctx.path, cause: (error as Error)?.message }));
        throw unavailable(`no answer within ${ms} ms, retry shortly`);
      }
    } finally {
      clearTimeout(timer);
    }
  };
}
