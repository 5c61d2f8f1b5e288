import type { Pool } from 'pg';
import { conflict } from '../shared/errors.ts';

/** Seat labels in rows of ten: A1–A10, B1–B10, …, Z10, then AA1… */
export function seatLabel(index: number): string {
  const row = Math.floor(index / 10);
  let letters = '';
  for (let n = row; n >= 0; n = Math.floor(n / 26) - 1) letters = String.fromCharCode(65 + (n % 26)) + letters;
  return `${letters}${(index % 10) + 1}`;
}

export type NewConcert = { concertId: string; name: string; seatCount: number; price: number };

/** Inserts a concert and its seats in one transaction; a second create of the same id is 409. */
export async function createConcert(pool: Pool, concert: NewConcert) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query(
      'INSERT INTO concerts (concert_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING concert_id',
      [concert.concertId, concert.name],
    );
    if (inserted.rowCount === 0) {
      await client.query('ROLLBACK');
      throw conflict('CONCERT_EXISTS', `concert ${concert.concertId} already exists`);
    }
    // Seat ids are their labels: stable, readable in scenarios, unique within a concert.
    await client.query(
      `INSERT INTO seats (concert_id, seat_id, label, price, position)
       SELECT $1, s.label, s.label, $2, s.position
       FROM unnest($3::text[]) WITH ORDINALITY AS s(label, position)`,
      [concert.concertId, concert.price, Array.from({ length: concert.seatCount }, (_, i) => seatLabel(i))],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return { concertId: concert.concertId, name: concert.name, seatCount: concert.seatCount, price: concert.price };
}
