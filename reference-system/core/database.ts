import pg from 'pg';

export type PoolSettings = { connectionString: string; max: number };

/**
 * A pool that fails fast instead of queueing forever: while PostgreSQL is down, a request gets
 * an error within seconds (answered 503) rather than hanging. Lock waits are bounded too, so
 * contention shows up as a quick answer, never as a pile of blocked requests.
 */
export function createPool(settings: PoolSettings): pg.Pool {
  return new pg.Pool({
    connectionString: settings.connectionString,
    max: settings.max,
    connectionTimeoutMillis: 2_000,
    // Connections stay open once made (openConnections fills the pool at start): a rush must
    // not pay for reconnecting after a quiet spell (node-postgres closes idle ones after 10 s).
    idleTimeoutMillis: 0,
    statement_timeout: 5_000,
    lock_timeout: 2_000,
    // A payment keeps its transaction open while the gateway answers; never much longer.
    idle_in_transaction_session_timeout: 60_000,
  });
}

/**
 * Opens `count` connections now and returns them to the pool, so the first burst of buyers does
 * not wait for connection set-up (a backend fork and SCRAM authentication each) under load.
 */
export async function openConnections(pool: pg.Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  for (const client of clients) client.release();
}

/** Runs `work` in a transaction on one client: COMMIT on success, ROLLBACK on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** SQLSTATE of a PostgreSQL error, if it is one. */
export const sqlState = (error: unknown): string | undefined => (error as { code?: unknown })?.code as string | undefined;

