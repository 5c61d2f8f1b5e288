import type { Pool } from 'pg';
import type { Metrics } from '../shared/metrics.ts';

/** The booking domain's counters, next to the HTTP ones every service has. */
export function createCoreMetrics(metrics: Metrics, pool: Pool) {
  return {
    holds: metrics.counter('core_holds_total', 'Seat hold requests by outcome', ['outcome']),
    holdsExpired: metrics.counter('core_holds_expired_total', 'Holds that lapsed, by who noticed (sweeper or a request)', ['by']),
    holdsActive: metrics.gauge('core_holds_active', 'Holds currently running (HELD and not past their deadline)', [], async function () {
      // Scraping must not fail while PostgreSQL is away; the gauge keeps its last value.
      try {
        const { rows } = await pool.query(`SELECT count(*)::int AS n FROM reservations WHERE status = 'HELD' AND expires_at > now()`);
        this.set(rows[0].n);
      } catch {
        /* keep the last value */
      }
    }),
    payments: metrics.counter('core_payments_total', 'Payment attempts by outcome', ['outcome']),
    rollbacks: metrics.counter('core_payment_rollbacks_total', 'Payments rolled back (reservation cancelled or expired, seat freed), by reason', ['reason']),
    voids: metrics.counter('core_charges_voided_total', 'Gateway charges voided because no booking stands behind them, by who voided', ['by']),
    queueReleaseFailures: metrics.counter(
      'core_queue_release_failures_total',
      'Completed bookings whose queue entry could not be ended at once (it ends by idle expiry)',
    ),
    gatewayDuration: metrics.histogram(
      'core_payment_gateway_duration_seconds',
      'Payment gateway call latency by operation and outcome',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ['operation', 'outcome'],
    ),
  };
}

export type CoreMetrics = ReturnType<typeof createCoreMetrics>;
