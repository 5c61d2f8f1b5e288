import type Koa from 'koa';
import type { Logger } from './logger.ts';

/**
 * Listens and shuts down cleanly on SIGTERM/SIGINT: stop accepting, let in-flight requests
 * finish (bounded), then close connections to Redis/PostgreSQL.
 */
export function serve(app: Koa, options: { port: number; logger: Logger; onClose?: () => Promise<unknown> }) {
  const { port, logger, onClose } = options;
  const server = app.listen(port, '127.0.0.1', () => logger.info('listening', { port }));
  // Keep-alive longer than typical client pools so idle sockets are closed by clients first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info('shutting_down', { signal });
    const force = setTimeout(() => process.exit(0), 5_000).unref();
    server.close(async () => {
      await onClose?.().catch(() => undefined);
      clearTimeout(force);
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return server;
}
