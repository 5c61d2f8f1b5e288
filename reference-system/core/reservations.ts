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

// One statement takes the hold, and when it cannot, says why. The partial unique indexes decide
// the race: of any number of concurrent inserts for a seat exactly one succeeds, the others wait
// only for that single-row autocommit (microseconds) and then do nothing. The amount is the
// seat's price. When nothing was inserted, the second branch returns what blocked it: whether
// the seat exists, its live reservation, the user's hold on another seat; `lapsed` marks holds
// past their deadline that nobody has expired yet. That branch reads the statement's snapshot,
// so a blocker committed while we waited on it may be missing: the caller then simply retries.
const HOLD = `
  WITH inserted AS (
    INSERT INTO reservations (reservation_id, concert_id, seat_id, user_id, status, amount, expires_at)
    SELECT $1, s.concert_id, s.seat_id, $4, 'HELD', s.price, now() + $5::int * interval '1 second'
    FROM seats s WHERE s.concert_id = $2 AND s.seat_id = $3
    ON CONFLICT DO NOTHING
    RETURNING ${COLUMNS}
  )
  SELECT true AS created, true AS seat_exists, i.*, false AS lapsed FROM inserted i
  UNION ALL
  SELECT false, s.seat_id IS NOT NULL, b.*, (b.status = 'HELD' AND b.expires_at <= now())
  FROM (VALUES (1)) AS one (x)
  LEFT JOIN seats s ON s.concert_id = $2 AND s.seat_id = $3
  -- Each branch is a full-key lookup in one partial unique index: at most one row each, however
  -- many reservations the concert has and whatever the planner's statistics say.
  LEFT JOIN LATERAL (
    SELECT ${COLUMNS} FROM reservations
    WHERE concert_id = $2 AND seat_id = $3 AND status IN ('HELD', 'CONFIRMED')
    UNION ALL
    SELECT ${COLUMNS} FROM reservations
    WHERE concert_id = $2 AND user_id = $4 AND status = 'HELD' AND seat_id <> $3
  ) AS b ON true
  WHERE NOT EXISTS (SELECT 1 FROM inserted)`;

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

// A concert's seats (ids, labels, prices, order) never change once it exists (concerts.ts inserts
// them with the concert, in one transaction), so each concert's layout is read once.
const SEAT_LAYOUT = `SELECT seat_id, label, price FROM seats WHERE concert_id = $1 ORDER BY position`;

// The seats that are not AVAILABLE, from the partial unique index of live reservations (one row
// per held or sold seat, none for the rest). A seat's status is derived from its live
// reservation, so it is right even before the sweeper has caught up with a lapsed hold.
const TAKEN_SEATS = `
  SELECT seat_id, CASE WHEN status = 'CONFIRMED' THEN 'SOLD' ELSE 'HELD' END AS status
  FROM reservations
  WHERE concert_id = $1 AND status IN ('HELD', 'CONFIRMED') AND (status = 'CONFIRMED' OR expires_at > now())`;

/** How many concerts' seat layouts are kept (a few kilobytes each). */
const LAYOUTS_KEPT = 256;

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
  const layouts = new Map<string, Omit<Seat, 'status'>[]>();

  async function seatLayout(concertId: string): Promise<Omit<Seat, 'status'>[] | undefined> {
    const known = layouts.get(concertId);
    if (known) return known;
    const { rows } = await pool.query({ name: 'seat_layout', text: SEAT_LAYOUT, values: [concertId] });
    if (rows.length === 0) return undefined; // not cached: the concert may be created later
    const layout = rows.map((r) => ({ seatId: r.seat_id as string, label: r.label as string, price: r.price as number }));
    if (layouts.size >= LAYOUTS_KEPT) layouts.delete(layouts.keys().next().value!);
    layouts.set(concertId, layout);
    return layout;
  }

  return {
    /** The concert's seats in label order, or undefined when there is no such concert. */
    async listSeats(concertId: string): Promise<Seat[] | undefined> {
      const [layout, taken] = await Promise.all([seatLayout(concertId), pool.query({ name: 'taken_seats', text: TAKEN_SEATS, values: [concertId] })]);
      if (!layout) return undefined; // every concert has at least one seat
      const status = new Map<string, SeatStatus>(taken.rows.map((r) => [r.seat_id, r.status]));
      return layout.map((seat) => ({ ...seat, status: status.get(seat.seatId) ?? 'AVAILABLE' }));
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
        // Named, like the seat list: a rush sends thousands, and each connection plans it once.
        const { rows } = await pool.query({ name: 'hold_seat', text: HOLD, values: [randomUUID(), concertId, seatId, userId, holdSeconds] });
        if (rows[0].created) {
          count('created');
          return { created: true, reservation: toReservation(rows[0]) };
        }
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
