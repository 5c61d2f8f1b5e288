import pg from 'pg';
import { request } from 'undici';
import { target } from '../target.ts';

/**
 * Money and seats after a fault, from the records themselves: PostgreSQL (read-only session) and
 * the payment gateway's own list of charges. A half-done booking is any disagreement between them.
 */
export type LedgerProblem = string;

export async function halfDoneBookings(concertId: string): Promise<LedgerProblem[]> {
  const client = new pg.Client({ connectionString: target.databaseUrl, options: '-c default_transaction_read_only=on' });
  client.on('error', () => undefined); // a restart under it fails the query, not the worker
  await client.connect();
  try {
    const problems: LedgerProblem[] = [];
    // A sold seat (CONFIRMED reservation) has exactly one COMPLETED payment of its amount.
    const unpaid = await client.query(
      `SELECT r.reservation_id, r.seat_id,
              (SELECT count(*) FROM payments p WHERE p.reservation_id = r.reservation_id AND p.status = 'COMPLETED' AND p.amount = r.amount) AS paid
       FROM reservations r WHERE r.concert_id = $1 AND r.status = 'CONFIRMED'`,
      [concertId],
    );
    for (const r of unpaid.rows) if (Number(r.paid) !== 1) problems.push(`seat ${r.seat_id} is sold with ${r.paid} completed payments`);
    // A completed payment belongs to a confirmed reservation.
    const orphans = await client.query(
      `SELECT p.payment_id, r.status FROM payments p JOIN reservations r USING (reservation_id)
       WHERE p.concert_id = $1 AND p.status = 'COMPLETED' AND r.status <> 'CONFIRMED'`,
      [concertId],
    );
    for (const p of orphans.rows) problems.push(`payment ${p.payment_id} is COMPLETED but its reservation is ${p.status}`);
    // Money actually kept by the gateway (approved, not voided) matches completed payments.
    const completed = await client.query(`SELECT count(*) AS n, coalesce(sum(amount), 0) AS total FROM payments WHERE concert_id = $1 AND status = 'COMPLETED'`, [
      concertId,
    ]);
    const res = await request(`${target.gatewayUrl}/__control/charges?referencePrefix=${encodeURIComponent(`${concertId}/`)}`);
    const { charges } = (await res.body.json()) as { charges: { status: string; amount: number; reference: string }[] };
    const kept = charges.filter((c) => c.reference.startsWith(`${concertId}/`) && c.status === 'APPROVED');
    const keptTotal = kept.reduce((n, c) => n + c.amount, 0);
    if (kept.length !== Number(completed.rows[0].n) || keptTotal !== Number(completed.rows[0].total)) {
      problems.push(
        `the gateway kept ${kept.length} charges (${keptTotal}) but ${completed.rows[0].n} payments (${completed.rows[0].total}) completed`,
      );
    }
    return problems;
  } finally {
    await client.end();
  }
}

/** When the service's process started: unchanged means it was not restarted. */
export async function processStartTime(baseUrl: string): Promise<number> {
  const res = await request(`${baseUrl}/metrics`);
  const text = await res.body.text();
  const match = /^process_start_time_seconds(?:\{[^}]*\})? (\d+(?:\.\d+)?)/m.exec(text);
  if (!match) throw new Error(`${baseUrl}/metrics has no process_start_time_seconds`);
  return Number(match[1]);
}
