import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { ApiError, conflict, notFound } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { TokenClaims } from '../shared/queue-token.ts';
import type { CoreMetrics } from './core-metrics.ts';
import { inTransaction, sqlState } from './database.ts';
import type { ChargeOutcome, PaymentGateway } from './payment-gateway-client.ts';

/** An answer to POST /payments: stored with the payment and given again to every replay of its key. */
export type PaymentAnswer = { status: number; body: Record<string, unknown> };

export type PaymentRequest = { claims: TokenClaims; idempotencyKey: string; reservationId: string };

export type PaymentSettings = {
  /** How long the gateway may take to answer a charge before we give up and roll back. */
  paymentTimeoutMs: number;
  /** How long after giving up we keep looking for a late charge to void. */
  reconcileWindowMs: number;
};

/** The gateway reference of a payment. The concert prefix lets a test steer one concert's payments. */
export const paymentReference = (concertId: string, paymentId: string) => `${concertId}/${paymentId}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const failure = (status: number, code: string, message: string): PaymentAnswer => ({ status, body: { error: { code, message } } });

/** Every way a payment can end, with its answer and what it does to the reservation. */
const ENDINGS = {
  DECLINED: { answer: failure(402, 'PAYMENT_DECLINED', 'the payment was declined; the seat was released'), reservation: 'CANCELLED' },
  TIMEOUT: { answer: failure(504, 'PAYMENT_TIMEOUT', 'the payment provider did not answer in time; nothing was charged and the seat was released'), reservation: 'CANCELLED' },
  GATEWAY_ERROR: { answer: failure(502, 'PAYMENT_GATEWAY_ERROR', 'the payment provider failed; nothing was charged and the seat was released'), reservation: 'CANCELLED' },
  RESERVATION_EXPIRED: { answer: failure(409, 'RESERVATION_EXPIRED', 'the hold on this seat has expired'), reservation: 'EXPIRED' },
  RESERVATION_NOT_HELD: { answer: failure(409, 'RESERVATION_NOT_HELD', 'this reservation is no longer held'), reservation: undefined },
  IN_PROGRESS: { answer: failure(409, 'PAYMENT_IN_PROGRESS', 'another payment for this reservation is in progress'), reservation: undefined },
} as const;

type Ending = keyof typeof ENDINGS;

/** The answer stored for a payment the reconciler found abandoned (its request died mid-way). */
export const ABANDONED_ANSWER = ENDINGS.TIMEOUT.answer;

// Records the payment before the gateway is asked, committed on its own: if this process dies
// mid-payment, the reconciler still knows the reference under which money may have moved.
const RECORD_PAYMENT = `
  INSERT INTO payments (payment_id, concert_id, user_id, idempotency_key, reservation_id, amount, status)
  SELECT $1, r.concert_id, r.user_id, $2, r.reservation_id, r.amount, 'PENDING'
  FROM reservations r WHERE r.reservation_id = $3 AND r.user_id = $4 AND r.concert_id = $5
  ON CONFLICT (concert_id, user_id, idempotency_key) DO NOTHING
  RETURNING amount`;

const FIND_BY_KEY = `
  SELECT payment_id, reservation_id, status, response_status, response_body
  FROM payments WHERE concert_id = $1 AND user_id = $2 AND idempotency_key = $3`;

// Success in one statement: the reservation CONFIRMED (seat SOLD) and the payment COMPLETED with
// its answer, or neither when the hold ran out. clock_timestamp(), not now(): the transaction
// began before the gateway call, and the deadline must be checked against the moment of
// confirming. The CHECK constraint guards it again.
const CONFIRM = `
  WITH t AS (SELECT clock_timestamp() AS at), confirmed AS (
  UPDATE reservations SET status = 'CONFIRMED', confirmed_at = t.at, ended_at = t.at
  FROM t WHERE reservation_id = $1 AND status = 'HELD' AND t.at <= expires_at
  RETURNING reservation_id)
  UPDATE payments SET status = 'COMPLETED', outcome = 'COMPLETED', charge_id = $3, response_status = $4,
    response_body = $5, finished_at = now()
  WHERE payment_id = $2 AND EXISTS (SELECT 1 FROM confirmed)
  RETURNING payment_id`;

// The start of settling, one round trip: the payment's row lock (it waits, e.g. for the
// reconciler), a savepoint, then the reservation's row lock. NOWAIT: a second payment for the
// same reservation (another key) is told at once. NO KEY UPDATE, not UPDATE: it does not block
// the foreign-key check of a new payment row, so that second payment gets as far as this line
// instead of queueing behind us. Several statements in one simple query take no parameters:
// both ids are UUIDs, checked (the reservation's) or made (the payment's) by us.
const lockForSettling = (paymentId: string, reservationId: string) => {
  if (!UUID.test(paymentId) || !UUID.test(reservationId)) throw new Error('settling needs UUIDs');
  return `BEGIN;
  ${lockPayment(paymentId)};
  SAVEPOINT lock_reservation;
  SELECT status, expires_at <= clock_timestamp() AS lapsed FROM reservations WHERE reservation_id = '${reservationId}' FOR NO KEY UPDATE NOWAIT`;
};
const lockPayment = (paymentId: string) => `SELECT status, response_status, response_body FROM payments WHERE payment_id = '${paymentId}' FOR NO KEY UPDATE`;

/**
 * How long a repeated payment (same Idempotency-Key) waits for the first request's outcome
 * before it is answered 409 PAYMENT_IN_PROGRESS: the first one's gateway call and its rollback.
 */
export const replayWaitMs = (paymentTimeoutMs: number) => 2 * paymentTimeoutMs + 5_000;

/**
 * Paying for a hold. The payment holds the reservation's row lock from the deadline check to the
 * final write, so the hold cannot lapse underneath it unnoticed (the sweeper skips locked rows);
 * success, failure and rollback are each one transaction.
 */
export function createPayments(deps: {
  pool: Pool;
  gateway: PaymentGateway;
  logger: Logger;
  metrics?: CoreMetrics;
  /** Ends the buyer's queue entry once the booking stands. */
  endQueueEntry: (claims: TokenClaims) => Promise<void>;
  settings: PaymentSettings;
}) {
  const { pool, gateway, logger, metrics, settings } = deps;

  /** The first answer for this user's key; waits while that first request is still running. */
  async function replay(request: PaymentRequest): Promise<PaymentAnswer | undefined> {
    const { claims, idempotencyKey } = request;
    const { rows } = await pool.query({ name: 'find_payment_by_key', text: FIND_BY_KEY, values: [claims.concertId, claims.userId, idempotencyKey] });
    if (rows.length === 0) return undefined;
    const payment = rows[0];
    if (payment.reservation_id !== normalise(request.reservationId)) {
      throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different payment request');
    }
    if (payment.status !== 'PENDING') return { status: payment.response_status, body: payment.response_body };
    return awaitOutcome(payment.payment_id);
  }

  /** Waits for an in-flight payment by queueing behind its row lock, within a deadline. */
  async function awaitOutcome(paymentId: string): Promise<PaymentAnswer> {
    const deadline = Date.now() + replayWaitMs(settings.paymentTimeoutMs);
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw conflict('PAYMENT_IN_PROGRESS', 'a payment with this Idempotency-Key is still in progress; retry shortly');
      let row: Record<string, unknown>;
      try {
        row = await inTransaction(pool, async (client) => {
          await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${remaining}ms`]);
          return (await client.query('SELECT status, response_status, response_body FROM payments WHERE payment_id = $1 FOR SHARE', [paymentId])).rows[0];
        });
      } catch (error) {
        if (sqlState(error) === '55P03') continue; // lock wait hit the deadline: answered above
        throw error;
      }
      if (row.status !== 'PENDING') return { status: row.response_status as number, body: row.response_body as Record<string, unknown> };
      // The first request recorded the payment but has not locked it yet: a moment's gap.
      await sleep(20);
    }
  }

  /** Takes the payment: the caller has checked the token is ACTIVE and found no earlier use of the key. */
  async function pay(request: PaymentRequest): Promise<PaymentAnswer> {
    const { claims, idempotencyKey } = request;
    const reservationId = normalise(request.reservationId);
    const notYours = () => notFound('RESERVATION_NOT_FOUND', `no reservation ${request.reservationId}`);
    if (!UUID.test(reservationId)) throw notYours();
    const paymentId = randomUUID();
    const recorded = await pool.query({ name: 'record_payment', text: RECORD_PAYMENT, values: [paymentId, idempotencyKey, reservationId, claims.userId, claims.concertId] });
    if (recorded.rowCount === 0) {
      // Either a concurrent request with the same key got there first, or the reservation is not this user's.
      const earlier = await replay(request);
      if (earlier) return earlier;
      throw notYours();
    }
    return settle({ paymentId, reservationId, amount: recorded.rows[0].amount as number, claims });
  }

  async function settle(p: { paymentId: string; reservationId: string; amount: number; claims: TokenClaims }): Promise<PaymentAnswer> {
    const client = await pool.connect();
    let outcome: ChargeOutcome | undefined;
    try {
      let mine: Record<string, unknown>;
      let reservation: Record<string, unknown> = {};
      let lockedElsewhere = false;
      try {
        const results = (await client.query(lockForSettling(p.paymentId, p.reservationId))) as unknown as QueryResult[];
        mine = results[1].rows[0];
        reservation = results[3].rows[0];
      } catch (error) {
        // The reservation is locked by another payment (NOWAIT), or the payment's lock wait timed
        // out (no savepoint yet: rolling back to it fails, and the original error stands).
        if (sqlState(error) !== '55P03') throw error;
        await client.query('ROLLBACK TO SAVEPOINT lock_reservation').catch(() => {
          throw error;
        });
        lockedElsewhere = true;
        mine = (await client.query(lockPayment(p.paymentId))).rows[0];
      }
      if (mine.status !== 'PENDING') {
        // The reconciler judged this payment abandoned before we got here; its verdict stands.
        await client.query('COMMIT');
        return { status: mine.response_status as number, body: mine.response_body as Record<string, unknown> };
      }
      if (lockedElsewhere) return await finish(client, p, 'IN_PROGRESS');

      if (reservation.status === 'EXPIRED' || (reservation.status === 'HELD' && reservation.lapsed)) {
        return await finish(client, p, 'RESERVATION_EXPIRED');
      }
      if (reservation.status !== 'HELD') return await finish(client, p, 'RESERVATION_NOT_HELD');

      outcome = await gateway.charge(p.amount, paymentReference(p.claims.concertId, p.paymentId));

      switch (outcome.kind) {
        case 'APPROVED': {
          const answer = completed(p);
          const confirmed = await client.query({ name: 'confirm_payment', text: CONFIRM, values: [p.reservationId, p.paymentId, outcome.chargeId, answer.status, answer.body] });
          if (confirmed.rowCount === 0) {
            // The hold ran out while the gateway was charging: no booking, so no charge either.
            const voided = await voidNow(outcome.chargeId);
            return await finish(client, p, 'RESERVATION_EXPIRED', { chargeId: outcome.chargeId, voided });
          }
          return await complete(client, p, answer);
        }
        case 'DECLINED':
          return await finish(client, p, 'DECLINED');
        case 'TIMEOUT':
          return await finish(client, p, 'TIMEOUT', { reconcile: true });
        case 'ERROR':
          logger.warn('payment_gateway_error', { paymentId: p.paymentId, cause: outcome.detail });
          return await finish(client, p, 'GATEWAY_ERROR', { reconcile: true });
      }
    } catch (error) {
      // The payment stays PENDING; if money moved, the reconciler voids it once the payment is
      // judged abandoned. Voiding here could undo a booking whose COMMIT did reach the database.
      await client.query('ROLLBACK').catch(() => undefined);
      if (outcome?.kind === 'APPROVED') logger.error('payment_unsettled_after_charge', { paymentId: p.paymentId, cause: (error as Error).message });
      throw error;
    } finally {
      client.release();
    }
  }

  /** The answer to a payment that succeeded. */
  const completed = (p: { paymentId: string; reservationId: string; amount: number }): PaymentAnswer => ({
    status: 201,
    body: { paymentId: p.paymentId, reservationId: p.reservationId, status: 'COMPLETED', amount: p.amount },
  });

  /** Success (CONFIRM wrote it: payment COMPLETED, reservation CONFIRMED): commit, then the queue entry ended. */
  async function complete(client: PoolClient, p: { paymentId: string; claims: TokenClaims }, answer: PaymentAnswer) {
    await client.query('COMMIT');
    metrics?.payments.inc({ outcome: 'completed' });
    try {
      await deps.endQueueEntry(p.claims);
    } catch (error) {
      // The booking stands; the entry ends by idle expiry instead.
      metrics?.queueReleaseFailures.inc();
      logger.warn('queue_entry_not_ended', { paymentId: p.paymentId, cause: (error as Error).message });
    }
    return answer;
  }

  /** Any other ending: payment FAILED, the reservation rolled back as the ending says, one COMMIT. */
  async function finish(
    client: PoolClient,
    p: { paymentId: string; reservationId: string },
    ending: Ending,
    extra: { chargeId?: string; voided?: boolean; reconcile?: boolean } = {},
  ): Promise<PaymentAnswer> {
    const { answer, reservation } = ENDINGS[ending];
    if (reservation) {
      await client.query(`UPDATE reservations SET status = $2, ended_at = now() WHERE reservation_id = $1 AND status = 'HELD'`, [
        p.reservationId,
        reservation,
      ]);
    }
    // A charge we could not void at once is left to the reconciler, as is an unknown outcome.
    const reconcile = extra.reconcile || (extra.chargeId !== undefined && !extra.voided);
    await client.query(
      `UPDATE payments SET status = 'FAILED', outcome = $2, charge_id = $3,
         charge_voided_at = CASE WHEN $4 THEN now() END,
         reconcile_until = CASE WHEN $5 THEN now() + $6::int * interval '1 millisecond' END,
         response_status = $7, response_body = $8, finished_at = now()
       WHERE payment_id = $1`,
      [p.paymentId, ending, extra.chargeId ?? null, extra.voided === true, reconcile, settings.reconcileWindowMs, answer.status, answer.body],
    );
    await client.query('COMMIT');
    metrics?.payments.inc({ outcome: ending.toLowerCase() });
    if (reservation === 'CANCELLED' || extra.chargeId) metrics?.rollbacks.inc({ reason: ending.toLowerCase() });
    return answer;
  }

  async function voidNow(chargeId: string): Promise<boolean> {
    try {
      await gateway.void(chargeId);
      metrics?.voids.inc({ by: 'payment' });
      return true;
    } catch (error) {
      logger.warn('charge_void_deferred', { chargeId, cause: (error as Error).message });
      return false;
    }
  }

  return { replay, pay };
}

export type Payments = ReturnType<typeof createPayments>;

const normalise = (id: string) => id.toLowerCase();
