import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Pool } from 'pg';
import { createPaymentGatewayClient } from '../../reference-system/core/payment-gateway-client.ts';
import { reconcilePayments } from '../../reference-system/core/payment-reconciler.ts';
import { createPayments, paymentReference, type PaymentAnswer } from '../../reference-system/core/payments.ts';
import { createReservations } from '../../reference-system/core/reservations.ts';
import type { TokenClaims } from '../../reference-system/shared/queue-token.ts';
import { ApiError } from '../../reference-system/shared/errors.ts';
import { eventually, lapse, newConcert, quietLogger, startDatabase, startGateway } from './helpers.ts';

const TIMEOUT_MS = 400;
let db: Awaited<ReturnType<typeof startDatabase>>;
let gateway: Awaited<ReturnType<typeof startGateway>>;
let pool: Pool;
let ended: TokenClaims[];
let endQueueEntry: (claims: TokenClaims) => Promise<void>;

before(async () => {
  [db, gateway] = await Promise.all([startDatabase(), startGateway()]);
  pool = db.pool;
});
after(async () => {
  await gateway?.stop();
  await db?.stop();
});
beforeEach(() => {
  gateway.book.reset();
  ended = [];
  endQueueEntry = async (claims) => {
    ended.push(claims);
  };
});

const client = (timeoutMs = TIMEOUT_MS) => createPaymentGatewayClient({ baseUrl: gateway.url, timeoutMs });
const payments = (timeoutMs = TIMEOUT_MS) =>
  createPayments({
    pool,
    gateway: client(timeoutMs),
    logger: quietLogger,
    endQueueEntry: (claims) => endQueueEntry(claims),
    settings: { paymentTimeoutMs: timeoutMs, reconcileWindowMs: 10_000 },
  });
const reconcile = () =>
  reconcilePayments({ pool, gateway: client(), logger: quietLogger, settings: { abandonAfterMs: 60_000, reconcileWindowMs: 10_000 } });

/** A concert and a running hold of seat A1 for alice. */
async function heldSeat(price = 7_500) {
  const concertId = await newConcert(pool, 10, price);
  const claims: TokenClaims = { concertId, userId: 'alice', entryId: randomUUID() };
  const { reservation } = await createReservations({ pool }).hold({ concertId, seatId: 'A1', userId: 'alice', holdSeconds: 300 });
  return { concertId, claims, reservationId: reservation.reservationId };
}

/** The route's order: a replay first, else a new payment. */
async function pay(claims: TokenClaims, reservationId: string, idempotencyKey = randomUUID(), service = payments()): Promise<PaymentAnswer> {
  const request = { claims, reservationId, idempotencyKey };
  return (await service.replay(request)) ?? (await service.pay(request));
}

/**
 * Waits until a payment holds the reservation's lock, i.e. is settling with the gateway: its
 * session sits idle in the transaction whose last statement took that lock (payments.ts writes
 * the reservation's id into it). Read from pg_stat_activity, taking no lock: a probe that took
 * the row's lock itself (FOR SHARE NOWAIT, as this did) could hold it at the very moment the
 * payment asked for it with NOWAIT, and the payment, told it was locked elsewhere, answered
 * PAYMENT_IN_PROGRESS without charging (a CI run failed so, the probe seeing "free" for 10 s).
 */
const untilSettling = (reservationId: string) =>
  eventually(
    async () =>
      (
        await pool.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE state = 'idle in transaction' AND query LIKE '%' || $1 || '%FOR NO KEY UPDATE NOWAIT%'`,
          [reservationId],
        )
      ).rows[0].n > 0,
    (settling) => settling,
  );
/** untilSettling, failing at once with the payment's own outcome if it ends before it is seen settling. */
const untilSettlingOrDone = (reservationId: string, payment: Promise<PaymentAnswer>) =>
  Promise.race([
    untilSettling(reservationId),
    payment.then(
      (answer) => Promise.reject(new Error(`the payment ended before it was seen settling: ${JSON.stringify(answer)}`)),
      (error) => Promise.reject(new Error(`the payment failed before it was seen settling: ${error}`)),
    ),
  ]);
const reservationStatus = async (id: string) =>
  (await pool.query(`SELECT status FROM reservations WHERE reservation_id = $1`, [id])).rows[0].status;
const paymentsOf = async (id: string) =>
  (await pool.query(`SELECT status, outcome, amount, charge_id, charge_voided_at FROM payments WHERE reservation_id = $1 ORDER BY created_at`, [id])).rows;
const chargesOf = (concertId: string) => gateway.book.seen(`${concertId}/`).charges;
const setBehaviour = (mode: 'approve' | 'decline' | 'timeout' | 'error', delayMs?: number) =>
  gateway.book.setBehaviour({ mode, delayMs: delayMs ?? (mode === 'timeout' ? TIMEOUT_MS * 2 : 0) });

describe('a successful payment', () => {
  test('charges the seat price, confirms the booking and ends the queue entry', async () => {
    const { concertId, claims, reservationId } = await heldSeat(7_500);
    const answer = await pay(claims, reservationId);
    assert.equal(answer.status, 201);
    assert.equal(answer.body.status, 'COMPLETED');
    assert.equal(answer.body.amount, 7_500);
    assert.equal(await reservationStatus(reservationId), 'CONFIRMED');
    assert.deepEqual(
      chargesOf(concertId).map((c) => [c.amount, c.status, c.reference]),
      [[7_500, 'APPROVED', paymentReference(concertId, answer.body.paymentId as string)]],
    );
    assert.deepEqual(ended, [claims]);
  });

  test('stands even when the queue entry cannot be ended', async () => {
    const { claims, reservationId } = await heldSeat();
    endQueueEntry = async () => {
      throw new Error('Redis is away');
    };
    const answer = await pay(claims, reservationId);
    assert.equal(answer.status, 201);
    assert.equal(await reservationStatus(reservationId), 'CONFIRMED');
  });

  test('a paid reservation cannot be paid again with another key', async () => {
    const { concertId, claims, reservationId } = await heldSeat();
    await pay(claims, reservationId);
    const second = await pay(claims, reservationId);
    assert.equal(second.status, 409);
    assert.deepEqual(second.body, { error: { code: 'RESERVATION_NOT_HELD', message: 'this reservation is no longer held' } });
    assert.equal(chargesOf(concertId).length, 1);
  });
});

describe('idempotency', () => {
  test('five concurrent requests with one key make one charge and get the same answer', async () => {
    const { concertId, claims, reservationId } = await heldSeat();
    setBehaviour('approve', 150); // long enough that the requests overlap
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => pay(claims, reservationId, key)));
    assert.ok(answers.every((a) => a.status === 201 && a.body.paymentId === answers[0].body.paymentId), JSON.stringify(answers));
    assert.equal(chargesOf(concertId).length, 1);
    assert.equal((await paymentsOf(reservationId)).length, 1);
  });

  test('a replay after the fact returns the first answer, a failure included', async () => {
    const { claims, reservationId } = await heldSeat();
    setBehaviour('decline');
    const key = randomUUID();
    const first = await pay(claims, reservationId, key);
    setBehaviour('approve');
    assert.deepEqual(await pay(claims, reservationId, key), first);
    assert.equal(first.status, 402);
  });

  test('the same key for another reservation is IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    const { claims, reservationId } = await heldSeat();
    const key = randomUUID();
    await pay(claims, reservationId, key);
    await assert.rejects(pay(claims, randomUUID(), key), (e) => e instanceof ApiError && e.status === 422 && e.code === 'IDEMPOTENCY_KEY_REUSED');
  });

  test("another user's reservation is RESERVATION_NOT_FOUND", async () => {
    const { concertId, reservationId } = await heldSeat();
    const mallory: TokenClaims = { concertId, userId: 'mallory', entryId: 'e' };
    await assert.rejects(pay(mallory, reservationId), (e) => e instanceof ApiError && e.code === 'RESERVATION_NOT_FOUND');
    assert.equal(await reservationStatus(reservationId), 'HELD');
  });

  test('a second payment for a reservation while one is in flight is PAYMENT_IN_PROGRESS', async () => {
    const { concertId, claims, reservationId } = await heldSeat();
    // A charge slow enough that the second payment surely comes while the first is in flight,
    // on a loaded machine too (a 200 ms charge failed this test once under load).
    setBehaviour('approve', 1_500);
    const patient = payments(5_000);
    const first = pay(claims, reservationId, randomUUID(), patient);
    await untilSettlingOrDone(reservationId, first);
    const second = await pay(claims, reservationId, randomUUID(), patient);
    assert.equal((second.body.error as { code: string }).code, 'PAYMENT_IN_PROGRESS');
    assert.equal((await first).status, 201);
    assert.equal(chargesOf(concertId).length, 1);
  });
});

describe('rollback', () => {
  for (const [mode, status, code, outcome] of [
    ['decline', 402, 'PAYMENT_DECLINED', 'DECLINED'],
    ['error', 502, 'PAYMENT_GATEWAY_ERROR', 'GATEWAY_ERROR'],
    ['timeout', 504, 'PAYMENT_TIMEOUT', 'TIMEOUT'],
  ] as const) {
    test(`${mode}: payment FAILED, reservation CANCELLED, seat free for anyone`, async () => {
      const { concertId, claims, reservationId } = await heldSeat();
      setBehaviour(mode);
      const answer = await pay(claims, reservationId);
      assert.equal(answer.status, status);
      assert.equal((answer.body.error as { code: string }).code, code);
      assert.equal(await reservationStatus(reservationId), 'CANCELLED');
      assert.deepEqual(
        (await paymentsOf(reservationId)).map((p) => [p.status, p.outcome]),
        [['FAILED', outcome]],
      );
      assert.equal((await createReservations({ pool }).listSeats(concertId))![0].status, 'AVAILABLE');
      assert.deepEqual(ended, [], 'the queue entry stays: the fan may try again');
    });
  }

  test('after a decline the fan can hold the seat again and pay', async () => {
    const { concertId, claims, reservationId } = await heldSeat();
    setBehaviour('decline');
    assert.equal((await pay(claims, reservationId)).status, 402);
    setBehaviour('approve');
    const again = await createReservations({ pool }).hold({ concertId, seatId: 'A1', userId: 'alice', holdSeconds: 300 });
    assert.equal(again.created, true);
    assert.equal((await pay(claims, again.reservation.reservationId)).status, 201);
  });

  test('a charge made after our timeout is found and voided by the reconciler', async () => {
    const { concertId, claims, reservationId } = await heldSeat();
    setBehaviour('timeout', TIMEOUT_MS + 300);
    assert.equal((await pay(claims, reservationId)).status, 504);
    const charges = await eventually(
      async () => {
        await reconcile();
        return chargesOf(concertId);
      },
      (c) => c.length === 1 && c[0].status === 'VOIDED',
    );
    assert.equal(charges[0].amount, 7_500);
    const [payment] = await paymentsOf(reservationId);
    assert.equal(payment.charge_id, charges[0].chargeId);
    assert.ok(payment.charge_voided_at);
  });
});

describe('a payment racing the hold deadline', () => {
  test('an expired hold is RESERVATION_EXPIRED and nothing is charged', async () => {
    const { concertId, claims, reservationId } = await heldSeat();
    await lapse(pool, reservationId);
    const answer = await pay(claims, reservationId);
    assert.equal(answer.status, 409);
    assert.equal((answer.body.error as { code: string }).code, 'RESERVATION_EXPIRED');
    assert.equal(await reservationStatus(reservationId), 'EXPIRED');
    assert.equal(chargesOf(concertId).length, 0);
  });

  test('a hold that runs out while the gateway charges is not confirmed, and the charge is voided', async () => {
    const { concertId, claims, reservationId } = await heldSeat();
    await pool.query(`UPDATE reservations SET expires_at = now() + interval '100 milliseconds' WHERE reservation_id = $1`, [reservationId]);
    setBehaviour('approve', 250);
    const answer = await pay(claims, reservationId);
    assert.equal((answer.body.error as { code: string }).code, 'RESERVATION_EXPIRED');
    assert.equal(await reservationStatus(reservationId), 'EXPIRED');
    assert.deepEqual(
      chargesOf(concertId).map((c) => c.status),
      ['VOIDED'],
    );
    assert.deepEqual(ended, []);
  });
});

describe('reconciliation of abandoned payments', () => {
  test('a payment whose request died is closed, its hold released and any charge voided', async () => {
    const { concertId, reservationId } = await heldSeat();
    const paymentId = randomUUID();
    // As a crashed process leaves it: recorded, charged at the gateway, never settled.
    await pool.query(
      `INSERT INTO payments (payment_id, concert_id, user_id, idempotency_key, reservation_id, amount, status, created_at)
       VALUES ($1, $2, 'alice', 'k', $3, 7500, 'PENDING', now() - interval '2 minutes')`,
      [paymentId, concertId, reservationId],
    );
    await fetch(`${gateway.url}/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 7_500, reference: paymentReference(concertId, paymentId) }),
    });
    const result = await reconcile();
    assert.equal(result.abandoned, 1);
    assert.deepEqual(
      (await paymentsOf(reservationId)).map((p) => [p.status, p.outcome]),
      [['FAILED', 'ABANDONED']],
    );
    assert.equal(await reservationStatus(reservationId), 'CANCELLED');
    assert.deepEqual(
      chargesOf(concertId).map((c) => c.status),
      ['VOIDED'],
    );
  });

  test('never touches a payment a live request is settling', async () => {
    const { concertId, claims, reservationId } = await heldSeat();
    // A charge long enough to be seen in flight on a loaded machine: at 200 ms the payment was
    // settled before the first look at its lock came back (npm test failed so, twice in a row).
    setBehaviour('approve', 1_500);
    const inFlight = pay(claims, reservationId, randomUUID(), payments(5_000));
    await untilSettlingOrDone(reservationId, inFlight);
    // Even with "abandoned" meaning "older than 0 ms", the row lock protects the live payment.
    await reconcilePayments({ pool, gateway: client(), logger: quietLogger, settings: { abandonAfterMs: 0, reconcileWindowMs: 10_000 } });
    assert.equal((await inFlight).status, 201);
    assert.equal(await reservationStatus(reservationId), 'CONFIRMED');
    assert.deepEqual(
      chargesOf(concertId).map((c) => c.status),
      ['APPROVED'],
    );
  });
});
