import pg from 'pg';
import { eventually } from '../polling.ts';
import { target } from '../target.ts';

/**
 * Read-only SQL for assertions about money and seats: the suite checks what PostgreSQL recorded,
 * not only what the API answered. The session is read-only, so an assertion can never change
 * the system under test.
 */
let pool: pg.Pool | undefined;
function db(): pg.Pool {
  if (!target.databaseUrl) throw new Error('E2E_DATABASE_URL is not set: money and seat assertions read PostgreSQL (see docs/operations.md)');
  if (!pool) {
    pool = new pg.Pool({
      connectionString: target.databaseUrl,
      max: 4,
      allowExitOnIdle: true,
      options: '-c default_transaction_read_only=on',
    });
    // A PostgreSQL restart (fault scenarios) ends idle connections: that must fail the next
    // query, not crash the cucumber worker with an unhandled 'error'.
    pool.on('error', () => undefined);
  }
  return pool;
}

export type ReservationRecord = { reservationId: string; seatId: string; userId: string; status: string; amount: number; lapsed: boolean };
export type PaymentRecord = {
  paymentId: string;
  reservationId: string;
  userId: string;
  status: string;
  amount: number;
  chargeId: string | null;
  chargeVoided: boolean;
};

export const records = {
  async seatPrice(concertId: string, seatId: string): Promise<number> {
    const { rows } = await db().query('SELECT price FROM seats WHERE concert_id = $1 AND seat_id = $2', [concertId, seatId]);
    if (rows.length === 0) throw new Error(`no seat ${seatId} recorded for ${concertId}`);
    return rows[0].price;
  },

  async seatIds(concertId: string): Promise<string[]> {
    return (await db().query('SELECT seat_id FROM seats WHERE concert_id = $1 ORDER BY position', [concertId])).rows.map((r) => r.seat_id);
  },

  async concertExists(concertId: string): Promise<boolean> {
    return (await db().query('SELECT 1 FROM concerts WHERE concert_id = $1', [concertId])).rowCount === 1;
  },

  async reservations(concertId: string): Promise<ReservationRecord[]> {
    const { rows } = await db().query(
      `SELECT reservation_id, seat_id, user_id, status, amount, (status = 'HELD' AND expires_at <= now()) AS lapsed
       FROM reservations WHERE concert_id = $1 ORDER BY held_at`,
      [concertId],
    );
    return rows.map((r) => ({ reservationId: r.reservation_id, seatId: r.seat_id, userId: r.user_id, status: r.status, amount: r.amount, lapsed: r.lapsed }));
  },

  async reservation(reservationId: string): Promise<ReservationRecord | undefined> {
    const { rows } = await db().query(
      `SELECT reservation_id, seat_id, user_id, status, amount, (status = 'HELD' AND expires_at <= now()) AS lapsed
       FROM reservations WHERE reservation_id = $1`,
      [reservationId],
    );
    return rows.map((r) => ({ reservationId: r.reservation_id, seatId: r.seat_id, userId: r.user_id, status: r.status, amount: r.amount, lapsed: r.lapsed }))[0];
  },

  /** The seat a reservation on record holds, and that seat's price; fails when the reservation is not on record. */
  async reservedSeat(concertId: string, reservationId: string): Promise<{ seatId: string; price: number }> {
    const held = await records.reservation(reservationId);
    if (!held) throw new Error(`reservation ${reservationId} is not on record`);
    return { seatId: held.seatId, price: await records.seatPrice(concertId, held.seatId) };
  },

  /** Reads the concert's reservations every 200 ms (bounded, 10 s) until this one's status is `status`. */
  async untilReservationIs(concertId: string, reservationId: string, status: string, what: string): Promise<void> {
    await eventually(async () => (await records.reservations(concertId)).find((r) => r.reservationId === reservationId)?.status, (seen) => seen === status, {
      what,
      timeoutMs: 10_000,
      intervalMs: 200,
      describe: (seen) => `the reservation ${seen}`,
    });
  },

  async payments(concertId: string): Promise<PaymentRecord[]> {
    const { rows } = await db().query(
      `SELECT payment_id, reservation_id, user_id, status, amount, charge_id, charge_voided_at IS NOT NULL AS voided
       FROM payments WHERE concert_id = $1 ORDER BY created_at`,
      [concertId],
    );
    return rows.map((r) => ({
      paymentId: r.payment_id,
      reservationId: r.reservation_id,
      userId: r.user_id,
      status: r.status,
      amount: r.amount,
      chargeId: r.charge_id,
      chargeVoided: r.voided,
    }));
  },

  /** Reads the concert's payments (bounded, 5 s) until each of `chargeIds` shows voided on one; the payments then. */
  untilChargesVoided(concertId: string, chargeIds: readonly string[]): Promise<PaymentRecord[]> {
    return eventually(
      () => records.payments(concertId),
      (payments) => chargeIds.every((chargeId) => payments.some((p) => p.chargeId === chargeId && p.chargeVoided)),
      { what: 'the records to show the void', timeoutMs: 5_000, describe: (payments) => payments.map((p) => `${p.status} voided=${p.chargeVoided}`).join(', ') },
    );
  },

  /**
   * Bookings the records show half done: a sold seat without exactly one completed payment of
   * its amount, or a completed payment whose reservation is not confirmed.
   */
  async halfDoneBookings(concertId: string): Promise<string[]> {
    const problems: string[] = [];
    const unpaid = await db().query(
      `SELECT r.seat_id,
              (SELECT count(*) FROM payments p WHERE p.reservation_id = r.reservation_id AND p.status = 'COMPLETED' AND p.amount = r.amount) AS paid
       FROM reservations r WHERE r.concert_id = $1 AND r.status = 'CONFIRMED'`,
      [concertId],
    );
    for (const r of unpaid.rows) if (Number(r.paid) !== 1) problems.push(`seat ${r.seat_id} is sold with ${r.paid} completed payments`);
    const orphans = await db().query(
      `SELECT p.payment_id, r.status FROM payments p JOIN reservations r USING (reservation_id)
       WHERE p.concert_id = $1 AND p.status = 'COMPLETED' AND r.status <> 'CONFIRMED'`,
      [concertId],
    );
    for (const p of orphans.rows) problems.push(`payment ${p.payment_id} is COMPLETED but its reservation is ${p.status}`);
    return problems;
  },

  /** A seat's state as the records show it: SOLD (confirmed), HELD (a running hold) or AVAILABLE. */
  async seatState(concertId: string, seatId: string): Promise<string> {
    const live = (await records.reservations(concertId)).filter((r) => r.seatId === seatId && (r.status === 'CONFIRMED' || (r.status === 'HELD' && !r.lapsed)));
    if (live.length > 1) throw new Error(`seat ${seatId} has ${live.length} live reservations`);
    return live.length === 0 ? 'AVAILABLE' : live[0].status === 'CONFIRMED' ? 'SOLD' : 'HELD';
  },
};
