import pg from 'pg';

export type SeatInvariants = {
  checked: boolean;
  /** Why the check could not run (no database URL, schema without reservations, …). */
  skippedBecause?: string;
  soldSeats: number;
  /** Seats with more than one live (HELD or CONFIRMED) reservation. */
  seatsHeldTwice: number;
  /** Seats sold (CONFIRMED) to more than one reservation. */
  seatsSoldTwice: number;
  /** Reservations with more than one completed payment. */
  reservationsPaidTwice: number;
};

/**
 * The contract's "no seat is ever held or sold to two users", checked in PostgreSQL with
 * read-only SQL after the race. It expects the core's tables `reservations (concert_id,
 * seat_id, status)` and `payments (reservation_id, status)`; when the schema lacks them (core
 * not finished) the check says so instead of passing.
 */
export async function checkSeatInvariants(databaseUrl: string, concertId: string): Promise<SeatInvariants> {
  const empty = { soldSeats: 0, seatsHeldTwice: 0, seatsSoldTwice: 0, reservationsPaidTwice: 0 };
  if (!databaseUrl) return { checked: false, skippedBecause: 'no database URL (E2E_DATABASE_URL)', ...empty };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN READ ONLY');
    const columns = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name IN ('reservations', 'payments')`,
    );
    const has = (table: string, column: string) => columns.rows.some((r) => r.table_name === table && r.column_name === column);
    const missing = [
      ['reservations', 'concert_id'],
      ['reservations', 'seat_id'],
      ['reservations', 'status'],
      ['reservations', 'reservation_id'],
      ['payments', 'reservation_id'],
      ['payments', 'status'],
    ].filter(([t, c]) => !has(t, c));
    if (missing.length) {
      return { checked: false, skippedBecause: `schema lacks ${missing.map(([t, c]) => `${t}.${c}`).join(', ')}`, ...empty };
    }
    const one = async (sql: string) => Number((await client.query(sql, [concertId])).rows[0].n);
    const result = {
      checked: true,
      soldSeats: await one(`SELECT count(DISTINCT seat_id) AS n FROM reservations WHERE concert_id = $1 AND status = 'CONFIRMED'`),
      seatsHeldTwice: await one(
        `SELECT count(*) AS n FROM (SELECT seat_id FROM reservations WHERE concert_id = $1 AND status IN ('HELD', 'CONFIRMED')
         GROUP BY seat_id HAVING count(*) > 1) t`,
      ),
      seatsSoldTwice: await one(
        `SELECT count(*) AS n FROM (SELECT seat_id FROM reservations WHERE concert_id = $1 AND status = 'CONFIRMED'
         GROUP BY seat_id HAVING count(*) > 1) t`,
      ),
      reservationsPaidTwice: await one(
        `SELECT count(*) AS n FROM (SELECT p.reservation_id FROM payments p JOIN reservations r USING (reservation_id)
         WHERE r.concert_id = $1 AND p.status = 'COMPLETED' GROUP BY p.reservation_id HAVING count(*) > 1) t`,
      ),
    };
    return result;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}
