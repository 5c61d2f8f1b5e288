import type { Pool } from 'pg';
import type { Logger } from '../shared/logger.ts';

/**
 * Keeps a PostgreSQL restart from killing the process. When the server ends a connection
 * (restart, failover: FATAL 57P01), node-postgres emits 'error' on that client. The pool listens
 * only on idle clients; a client checked out by a request — e.g. a payment's transaction waiting
 * on the gateway — has no listener, and an unhandled 'error' event crashes Node. So every client
 * gets a listener of its own from birth. The request using it then fails on its next query
 * (answered 503, see postgres-errors.ts) and the pool discards the broken client on release.
 * Found by features/faults/database-restart.feature.
 */
export function survivePostgresRestarts(pool: Pool, logger: Logger): Pool {
  pool.on('error', (error) => logger.warn('postgres_idle_client_error', { cause: error.message }));
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.warn('postgres_connection_lost', { cause: error.message }));
  });
  return pool;
}
