import type { ServerResponse } from 'node:http';
import type Koa from 'koa';
import { env, envInt } from './config.ts';
import type { Logger } from './logger.ts';

/**
 * Listens on HOST (127.0.0.1 unless told: a container is given 0.0.0.0) and shuts down cleanly
 * on SIGTERM/SIGINT: stop accepting, let in-flight requests finish (at most SHUTDOWN_TIMEOUT_MS,
 * under `docker stop`'s 10 s), close connections to Redis/PostgreSQL, exit 0.
 */
export function serve(
  app: Koa,
  /** `beforeClose`: ends long-lived responses (status streams), which would otherwise hold the drain. */
  options: { port: number; logger: Logger; beforeClose?: () => void; onClose?: () => Promise<unknown> },
) {
  const { port, logger, onClose } = options;
  const host = env('HOST', '127.0.0.1');
  const drainMs = envInt('SHUTDOWN_TIMEOUT_MS', 5_000);
  const server = app.listen(port, host, () => logger.info('listening', { host, port }));
  // Keep-alive longer than typical client pools so idle sockets are closed by clients first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  // A keep-alive socket would hold server.close() open until its idle timeout: while closing,
  // every response still to be written says `Connection: close` and its socket ends with it.
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (closing) res.shouldKeepAlive = false;
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });

  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info('shutting_down', { signal, inFlight: inFlight.size });
    for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
    // Status streams end at once (beforeClose); a request stuck on a dead dependency is cut off once the drain time is up.
    const cut = setTimeout(() => {
      logger.warn('shutdown_cut_off', { inFlight: inFlight.size, afterMs: drainMs });
      server.closeAllConnections();
    }, drainMs).unref();
    options.beforeClose?.();
    server.close(async () => {
      clearTimeout(cut);
      // Closing clients of an unreachable Redis or PostgreSQL must not hold the exit either.
      const bound = new Promise((resolve) => setTimeout(resolve, drainMs).unref());
      await Promise.race([onClose?.().catch(() => undefined), bound]);
      logger.info('stopped', { signal });
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return server;
}
