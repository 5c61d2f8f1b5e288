import { createHttpApp } from '../shared/http-app.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetrics } from '../shared/metrics.ts';

/**
 * Payment gateway stub: a real HTTP server whose behaviour scenarios steer. The [core] issue
 * completes it (charges, voids, behaviour control).
 */
export function createPaymentGatewayApp(deps: { logger: Logger }) {
  const { router, finish } = createHttpApp({ logger: deps.logger, metrics: createMetrics('payment-gateway'), readiness: [] });
  void router;
  return { app: finish() };
}
