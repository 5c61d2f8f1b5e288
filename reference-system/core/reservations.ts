import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { conflict, notFound } from '../shared/errors.ts';
import type { CoreMetrics } from './core-metrics.ts';

export type ReservationStatus = 'HELD' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';
export type SeatStatus = 'AVAILABLE' | 'HELD' | 'SOLD';

export type Reservation = {
  reservationId: string;
  concertId: string;
  seatId: string;
  userId: string;
  status: ReservationStatus;
  amount: number;
  expiresAt: Date;
};

export type Seat = { seatId: string; label: string; price: number; status: SeatStatus };

/** The reservation as the API shows it to its holder. */
export const reservationView = (r: Reservation) => ({
  reservationId: r.reservationId,
  seatId: r.seatId,
  status: r.status,
  amount: r.amount,
  expiresAt: r.expiresAt.toISOString(),
});

const COLUMNS = 'reservation_id, concert_id, seat_id, user_id, status, amount, expires_at';

// One statement takes the hold. The partial unique indexes decide the race: of any number of
// concurrent inserts for a seat exactly one succeeds, the others wait only for that single-row
// autocommit (microseconds) and then do nothing. The amount is the seat's price.
const INSERT_HOLD = `
  INSERT INTO reservations (reservation_id, concert_id, seat_id, user_id, status, amount, expires_at)
  SELECT $1, s.concert_id, s.seat_id, $4, 'HELD', s.price, now() + $5::int * interval '1 second'
  FROM seats s WHERE s.concert_id = $2 AND s.seat_id = $3
  ON CONFLICT DO NOTHING
  RETURNING ${COLUMNS}`;

// Why an insert did nothing: no such seat, a live reservation of the seat, or the user's hold on
// another seat. `lapsed` marks holds past their deadline that nobody has expired yet.
const BLOCKERS = `
  SELECT s.seat_id IS NOT NULL AS seat_exists,
         r.reservation_id, r.concert_id, r.seat_id, r.user_id, r.status, r.amount, r.expires_at,
         (r.status = 'HELD' AND r.expires_at <= now()) AS lapsed
  FROM (VALUES (1)) AS one (x)
  LEFT JOIN seats s ON s.concert_id = $1 AND s.seat_id = $2
  LEFT JOIN reservations r ON r.concert_id = $1
    AND ((r.seat_id = $2 AND r.status IN ('HELD', 'CONFIRMED')) OR (r.user_id = $3 AND r.status = 'HELD'))`;

// Expires lapsed holds. SKIP LOCKED: a hold whose payment is in flight is the payment's to
// decide (it checks the deadline under its lock), and nobody ever waits here.
const EXPIRE_BY_ID = `
  UPDATE reservations SET status = 'EXPIRED', ended_at = now()
  WHERE status = 'HELD' AND reservation_id IN (
    SELECT reservation_id FROM reservations
    WHERE reservation_id = ANY($1::uuid[]) AND status = 'HELD' AND expires_at <= now()
    FOR NO KEY UPDATE SKIP LOCKED)
  RETURNING reservation_id`;

const EXPIRE_OLDEST = `
  UPDATE reservations SET status = 'EXPIRED', ended_at = now()
  WHERE status = 'HELD' AND reservation_id IN (
    SELECT reservation_id FROM reservations
    WHERE status = 'HELD' AND expires_at <= now()
    ORDER BY expires_at LIMIT $1
    FOR NO KEY UPDATE SKIP LOCKED)
  RETURNING reservation_id`;

// A seat's status is derived from its live reservation, so it is right even before the
// sweeper has caught up with a lapsed hold.
const LIST_SEATS = `
  SELECT s.seat_id, s.label, s.price,
         CASE WHEN r.status = 'CONFIRMED' THEN 'SOLD'
              WHEN r.status = 'HELD' AND r.expires_at > now() THEN 'HELD'
              ELSE 'AVAILABLE' END AS status
  FROM seats s
  LEFT JOIN reservations r
    ON r.concert_id = s.concert_id AND r.seat_id = s.seat_id AND r.status IN ('HELD', 'CONFIRMED')
  WHERE s.concert_id = $1
  ORDER BY s.position`;

type Row = Record<string, unknown>;

export const toReservation = (row: Row): Reservation => ({
  reservationId: row.reservation_id as string,
  concertId: row.concert_id as string,
  seatId: row.seat_id as string,
  userId: row.user_id as string,
  status: row.status as ReservationStatus,
  amount: row.amount as number,
  expiresAt: row.expires_at as Date,
});

/** Expires the given holds if they are past their deadline; returns how many it expired. */
export async function expireLapsedHolds(db: Pool | PoolClient, reservationIds: string[]): Promise<number> {
  if (reservationIds.length === 0) return 0;
  return (await db.query(EXPIRE_BY_ID, [reservationIds])).rowCount ?? 0;
}

/** Expires up to `limit` of the oldest lapsed holds; the sweeper calls this until it gets < limit. */
export async function expireOldestLapsedHolds(db: Pool, limit: number): Promise<number> {
  return (await db.query(EXPIRE_OLDEST, [limit])).rowCount ?? 0;
}

export type HoldRequest = { concertId: string; seatId: string; userId: string; holdSeconds: number };

/** Seats and holds of the booking domain, on PostgreSQL. */
export function createReservations(deps: { pool: Pool; metrics?: CoreMetrics }) {
  const { pool, metrics } = deps;
  const count = (outcome: string) => metrics?.holds.inc({ outcome });

  return {
    /** The concert's seats in label order, or undefined when there is no such concert. */
    async listSeats(concertId: string): Promise<Seat[] | undefined> {
      const { rows } = await pool.query(LIST_SEATS, [concertId]);
      if (rows.length === 0) return undefined; // every concert has at least one seat
      return rows.map((r) => ({ seatId: r.seat_id, label: r.label, price: r.price, status: r.status }));
    },

    /**
     * Holds a seat for a user: `created` for a new hold, or the user's running hold of that same
     * seat. Otherwise 404 SEAT_NOT_FOUND, 409 RESERVATION_LIMIT or 409 SEAT_UNAVAILABLE.
     */
    async hold(request: HoldRequest): Promise<{ created: boolean; reservation: Reservation }> {
      const { concertId, seatId, userId, holdSeconds } = request;
      // A few rounds at most: a round only repeats after it expired a lapsed hold or saw its
      // blocker end, both of which make progress.
      for (let round = 1; round <= 3; round++) {
        const inserted = await pool.query(INSERT_HOLD, [randomUUID(), concertId, seatId, userId, holdSeconds]);
        if (inserted.rowCount) {
          count('created');
          return { created: true, reservation: toReservation(inserted.rows[0]) };
        }

        const { rows } = await pool.query(BLOCKERS, [concertId, seatId, userId]);
        if (!rows[0].seat_exists) {
          count('seat_not_found');
          throw notFound('SEAT_NOT_FOUND', `concert ${concertId} has no seat ${seatId}`);
        }
        const live = rows.filter((r) => r.reservation_id !== null);
        const lapsed = live.filter((r) => r.lapsed).map((r) => r.reservation_id as string);
        if (lapsed.length > 0 && round < 3) {
          const expired = await expireLapsedHolds(pool, lapsed);
          metrics?.holdsExpired.inc({ by: 'request' }, expired);
          continue;
        }
        const running = live.filter((r) => !r.lapsed);
        const mine = running.find((r) => r.user_id === userId && r.seat_id === seatId && r.status === 'HELD');
        if (mine) {
          count('existing');
          return { created: false, reservation: toReservation(mine) };
        }
        if (live.some((r) => r.user_id === userId && r.status === 'HELD' && r.seat_id !== seatId)) {
          count('reservation_limit');
          throw conflict('RESERVATION_LIMIT', 'you already hold another seat of this concert; pay for it or let it lapse first');
        }
        if (live.some((r) => r.seat_id === seatId) || round === 3) break;
        // The blocker ended between our insert and our look: try again.
      }
      count('seat_unavailable');
      throw conflict('SEAT_UNAVAILABLE', `seat ${seatId} is held or sold`);
    },

    /**
     * A user's reservation of a concert, or undefined (also for another user's). A hold past its
     * deadline is expired here, on read, so nobody sees HELD after expiresAt.
     */
    async find(reservationId: string, owner: { concertId: string; userId: string }): Promise<Reservation | undefined> {
      const read = () =>
        pool.query(
          `SELECT ${COLUMNS}, (status = 'HELD' AND expires_at <= now()) AS lapsed
           FROM reservations WHERE reservation_id = $1 AND concert_id = $2 AND user_id = $3`,
          [reservationId, owner.concertId, owner.userId],
        );
      let { rows } = await read();
      if (rows.length === 0) return undefined;
      if (rows[0].lapsed) {
        const expired = await expireLapsedHolds(pool, [reservationId]);
        metrics?.holdsExpired.inc({ by: 'request' }, expired);
        ({ rows } = await read());
      }
      return toReservation(rows[0]);
    },
  };
}

export type Reservations = ReturnType<typeof createReservations>;
