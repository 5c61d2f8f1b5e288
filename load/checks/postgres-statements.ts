import pg from 'pg';

export type StatementTime = { query: string; calls: number; meanMs: number; totalMs: number; rowsPerCall: number };

/**
 * PostgreSQL's own time per statement (pg_stat_statements: execution time inside the server,
 * no network or client), for a scenario's window: `reset()` at its start, `top()` at its end.
 * The managed PostgreSQL preloads the module (environment/postgres.ts); elsewhere the
 * calls answer `undefined` and the report says why, never failing the run.
 */
export function postgresStatements(databaseUrl: string) {
  const withClient = async <T>(work: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  let unavailable: string | undefined = databaseUrl ? undefined : 'no database URL';
  return {
    get unavailable() {
      return unavailable;
    },
    async reset(): Promise<void> {
      if (unavailable) return;
      try {
        await withClient(async (c) => {
          await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
          await c.query('SELECT pg_stat_statements_reset()');
        });
      } catch (error) {
        unavailable = (error as Error).message;
      }
    },
    /** The `n` statements that took the server longest in total since the reset. */
    async top(n = 12): Promise<StatementTime[] | undefined> {
      if (unavailable) return undefined;
      return withClient(async (c) => {
        const { rows } = await c.query(
          `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls::int, mean_exec_time AS mean, total_exec_time AS total, rows::float8 / greatest(calls, 1) AS rows_per_call
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND query NOT ILIKE '%pg_stat_statements%'
           ORDER BY total_exec_time DESC LIMIT $1`,
          [n],
        );
        return rows.map((r) => ({ query: r.query as string, calls: r.calls as number, meanMs: r.mean as number, totalMs: r.total as number, rowsPerCall: r.rows_per_call as number }));
      });
    },
  };
}

/** Report figures: one line per statement, "calls × mean µs = total ms", keyed by its start. */
export function statementFigures(rows: StatementTime[] | undefined, why?: string): Record<string, string> {
  if (!rows) return { 'PostgreSQL time per statement': `not measured: ${why ?? 'unknown'}` };
  return Object.fromEntries(
    rows.map((r) => [`PG ${r.query.trim().slice(0, 70)}`, `${r.calls} × ${Math.round(r.meanMs * 1000)} µs = ${Math.round(r.totalMs)} ms`]),
  );
}
