import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Pool } from 'pg';
import { ApiError } from '../../reference-system/shared/errors.ts';
import { migrate } from '../../reference-system/core/migrate.ts';
import { sweepLapsedHolds } from '../../reference-system/core/hold-sweeper.ts';
import { createReservations, type Reservations } from '../../reference-system/core/reservations.ts';
import { lapse, newConcert, startDatabase } from './helpers.ts';

let db: Awaited<ReturnType<typeof startDatabase>>;
let pool: Pool;
let reservations: Reservations;

before(async () => {
  db = await startDatabase();
  pool = db.pool;
  reservations = createReservations({ pool });
});
after(() => db?.stop());

const hold = (concertId: string, seatId: string, userId: string, holdSeconds = 300) =>
  reservations.hold({ concertId, seatId, userId, holdSeconds });

/** The error code a rejected hold gave, or 'HELD' for a success. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'HELD',
    (e) => (e instanceof ApiError ? e.code : `UNEXPECTED ${(e as Error).message}`),
  );

describe('migrations', () => {
  test('applying them again changes nothing', async () => {
    assert.deepEqual(await migrate(pool), []);
  });
});

describe('holding a seat under contention', () => {
  test('of 50 concurrent requests for one seat exactly one wins; the others are told SEAT_UNAVAILABLE', async () => {
    const concertId = await newConcert(pool);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => outcome(hold(concertId, 'A1', `u${i}`))));
    assert.equal(results.filter((r) => r === 'HELD').length, 1);
    assert.equal(results.filter((r) => r === 'SEAT_UNAVAILABLE').length, 49, JSON.stringify(results));
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM reservations WHERE concert_id = $1`, [concertId]);
    assert.equal(rows[0].n, 1);
  });

  test('50 users racing for 10 seats get exactly 10 holds, no seat twice', async () => {
    const concertId = await newConcert(pool, 10);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => outcome(hold(concertId, `A${(i % 10) + 1}`, `u${i}`))));
    assert.equal(results.filter((r) => r === 'HELD').length, 10);
    assert.ok(results.every((r) => r === 'HELD' || r === 'SEAT_UNAVAILABLE'), JSON.stringify(results));
    const { rows } = await pool.query(
      `SELECT count(*)::int AS holds, count(DISTINCT seat_id)::int AS seats FROM reservations WHERE concert_id = $1 AND status = 'HELD'`,
      [concertId],
    );
    assert.deepEqual(rows[0], { holds: 10, seats: 10 });
  });

  test('one user clicking many seats at once ends up with exactly one hold', async () => {
    const concertId = await newConcert(pool, 10);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => outcome(hold(concertId, `A${i + 1}`, 'greedy'))));
    assert.equal(results.filter((r) => r === 'HELD').length, 1);
    assert.equal(results.filter((r) => r === 'RESERVATION_LIMIT').length, 9, JSON.stringify(results));
  });
});

describe('hold rules', () => {
  test('asking again for the same seat returns the same hold; a second seat is RESERVATION_LIMIT', async () => {
    const concertId = await newConcert(pool);
    const first = await hold(concertId, 'A1', 'alice');
    assert.equal(first.created, true);
    assert.equal(first.reservation.amount, 4_500, 'the amount is the seat price');
    const again = await hold(concertId, 'A1', 'alice');
    assert.equal(again.created, false);
    assert.equal(again.reservation.reservationId, first.reservation.reservationId);
    assert.equal(await outcome(hold(concertId, 'A2', 'alice')), 'RESERVATION_LIMIT');
  });

  test('an unknown seat or concert is SEAT_NOT_FOUND', async () => {
    const concertId = await newConcert(pool, 5);
    assert.equal(await outcome(hold(concertId, 'A6', 'alice')), 'SEAT_NOT_FOUND');
    assert.equal(await outcome(hold('no-such-concert', 'A1', 'alice')), 'SEAT_NOT_FOUND');
  });

  test('the database itself refuses a second live reservation of a seat', async () => {
    const concertId = await newConcert(pool);
    await hold(concertId, 'A1', 'alice');
    await assert.rejects(
      pool.query(
        `INSERT INTO reservations (reservation_id, concert_id, seat_id, user_id, status, amount, expires_at)
         VALUES (gen_random_uuid(), $1, 'A1', 'mallory', 'HELD', 1, now() + interval '1 minute')`,
        [concertId],
      ),
      /reservations_one_live_per_seat/,
    );
  });

  test('the database refuses to confirm a booking after its hold ran out', async () => {
    const concertId = await newConcert(pool);
    const { reservation } = await hold(concertId, 'A1', 'alice');
    await lapse(pool, reservation.reservationId);
    await assert.rejects(
      pool.query(`UPDATE reservations SET status = 'CONFIRMED', confirmed_at = now() WHERE reservation_id = $1`, [reservation.reservationId]),
      /reservations_confirmed_within_hold/,
    );
  });
});

describe('hold expiry', () => {
  test('a lapsed hold shows AVAILABLE, reads as EXPIRED, and the seat can be held again', async () => {
    const concertId = await newConcert(pool);
    const { reservation } = await hold(concertId, 'A1', 'alice');
    assert.equal((await reservations.listSeats(concertId))![0].status, 'HELD');
    await lapse(pool, reservation.reservationId);

    assert.equal((await reservations.listSeats(concertId))![0].status, 'AVAILABLE');
    const read = await reservations.find(reservation.reservationId, { concertId, userId: 'alice' });
    assert.equal(read?.status, 'EXPIRED');
    const bob = await hold(concertId, 'A1', 'bob');
    assert.equal(bob.created, true);
  });

  test('a lapsed hold never blocks a new hold, even before anyone has expired it', async () => {
    const concertId = await newConcert(pool);
    const { reservation } = await hold(concertId, 'A1', 'alice');
    await lapse(pool, reservation.reservationId);
    // Alice's own lapsed hold does not count against her limit, and Bob can take her old seat.
    assert.equal((await hold(concertId, 'A2', 'alice')).created, true);
    assert.equal((await hold(concertId, 'A1', 'bob')).created, true);
    const { rows } = await pool.query(`SELECT status FROM reservations WHERE reservation_id = $1`, [reservation.reservationId]);
    assert.equal(rows[0].status, 'EXPIRED');
  });

  test('the sweeper expires lapsed holds with no request involved', async () => {
    const concertId = await newConcert(pool);
    const lapsed = await hold(concertId, 'A1', 'alice');
    const running = await hold(concertId, 'A2', 'bob');
    await lapse(pool, lapsed.reservation.reservationId);
    assert.ok((await sweepLapsedHolds(pool)) >= 1);
    const { rows } = await pool.query(`SELECT user_id, status FROM reservations WHERE concert_id = $1 ORDER BY user_id`, [concertId]);
    assert.deepEqual(rows, [
      { user_id: 'alice', status: 'EXPIRED' },
      { user_id: 'bob', status: 'HELD' },
    ]);
    assert.equal(running.created, true);
  });

  test('a user reads only their own reservations', async () => {
    const concertId = await newConcert(pool);
    const { reservation } = await hold(concertId, 'A1', 'alice');
    assert.equal(await reservations.find(reservation.reservationId, { concertId, userId: 'bob' }), undefined);
    assert.equal(await reservations.find(reservation.reservationId, { concertId: 'other', userId: 'alice' }), undefined);
  });
});
