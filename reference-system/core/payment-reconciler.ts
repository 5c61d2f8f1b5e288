import type { Pool } from 'pg';
import type { Logger } from '../shared/logger.ts';
import type { CoreMetrics } from './core-metrics.ts';
import type { PaymentGateway } from './payment-gateway-client.ts';
import { ABANDONED_ANSWER, paymentReference } from './payments.ts';
import { runEvery } from '../shared/run-every.ts';

export type ReconcilerSettings = {
  /** A PENDING payment nobody is working on after this long was abandoned (its process died). */
  abandonAfterMs: number;
  /** How long we keep looking for a late charge of a failed payment. */
  reconcileWindowMs: number;
};

// Payments whose request died between recording and settling. SKIP LOCKED leaves alone every
// payment a live request is settling (it holds the row lock). Their holds are released, as after
// a timeout, unless another payment is at work on them.
const ABANDON = `
  WITH abandoned AS (
    UPDATE payments SET status = 'FAILED', outcome = 'ABANDONED', response_status = $2, response_body = $3,
      finished_at = now(), reconcile_until = now() + $4::int * interval '1 millisecond'
    WHERE status = 'PENDING' AND payment_id IN (
      SELECT payment_id FROM payments
      WHERE status = 'PENDING' AND created_at < now() - $1::int * interval '1 millisecond'
      LIMIT 100 FOR NO KEY UPDATE SKIP LOCKED)
    RETURNING reservation_id
  ), released AS (
    UPDATE reservations SET status = 'CANCELLED', ended_at = now()
    WHERE status = 'HELD' AND reservation_id IN (
      SELECT reservation_id FROM reservations
      WHERE reservation_id IN (SELECT reservation_id FROM abandoned) AND status = 'HELD'
      FOR NO KEY UPDATE SKIP LOCKED)
    RETURNING reservation_id
  )
  SELECT (SELECT count(*) FROM abandoned)::int AS abandoned, (SELECT count(*) FROM released)::int AS released`;

const TO_RECONCILE = `
  SELECT payment_id, concert_id, reconcile_until <= now() AS last_look
  FROM payments WHERE reconcile_until IS NOT NULL AND status = 'FAILED'
  ORDER BY reconcile_until LIMIT 100`;

/**
 * One reconciliation pass: close abandoned payments, then ask the gateway about every failed
 * payment whose outcome was uncertain (timeout, gateway error, abandoned, a void that failed)
 * and void any charge it made, so no money is kept without a booking.
 */
export async function reconcilePayments(deps: {
  pool: Pool;
  gateway: PaymentGateway;
  logger: Logger;
  metrics?: CoreMetrics;
  settings: ReconcilerSettings;
}): Promise<{ abandoned: number; voided: number }> {
  const { pool, gateway, logger, metrics, settings } = deps;
  const closed = (
    await pool.query(ABANDON, [settings.abandonAfterMs, ABANDONED_ANSWER.status, ABANDONED_ANSWER.body, settings.reconcileWindowMs])
  ).rows[0];
  if (closed.abandoned) {
    metrics?.payments.inc({ outcome: 'abandoned' }, closed.abandoned);
    metrics?.rollbacks.inc({ reason: 'abandoned' }, closed.released);
    logger.warn('payments_abandoned', { count: closed.abandoned, holdsReleased: closed.released });
  }

  let voided = 0;
  const { rows } = await pool.query(TO_RECONCILE);
  for (const row of rows) {
    const reference = paymentReference(row.concert_id, row.payment_id);
    try {
      const late = (await gateway.chargesFor(reference)).filter((c) => c.status === 'APPROVED');
      for (const charge of late) {
        await gateway.void(charge.chargeId);
        voided++;
        metrics?.voids.inc({ by: 'reconciler' });
        logger.info('late_charge_voided', { paymentId: row.payment_id, chargeId: charge.chargeId });
      }
      // One payment makes at most one charge: once it is voided, or the window has passed, stop looking.
      if (late.length > 0 || row.last_look) {
        await pool.query(
          `UPDATE payments SET reconcile_until = NULL, charge_id = coalesce(charge_id, $2),
             charge_voided_at = CASE WHEN $3 THEN now() ELSE charge_voided_at END
           WHERE payment_id = $1`,
          [row.payment_id, late[0]?.chargeId ?? null, late.length > 0],
        );
      }
    } catch (error) {
      logger.warn('reconcile_failed', { paymentId: row.payment_id, cause: (error as Error).message });
    }
  }
  return { abandoned: closed.abandoned, voided };
}

/** Runs reconciliation every `intervalMs`, one pass at a time. */
export function startPaymentReconciler(deps: Parameters<typeof reconcilePayments>[0], intervalMs: number) {
  return runEvery(
    intervalMs,
    () => reconcilePayments(deps),
    (error) => deps.logger.warn('reconcile_pass_failed', { cause: error.message }),
  );
}
