/**
 * Errors that mean "PostgreSQL cannot serve this right now" (it is restarting, unreachable, out
 * of connections), as opposed to a bug or a bad request. The core service answers them
 * 503 SERVICE_UNAVAILABLE, so a client retries, instead of 500.
 */

// SQLSTATE classes and codes: 08 connection exception; 57P01 admin shutdown, 57P02 crash
// shutdown, 57P03 cannot connect now (starting up); 53300 too many connections; and the
// transient outcomes of the core service's own bounds: 55P03 lock timeout, 57014 statement
// timeout, 40P01 deadlock, 40001 serialization failure.
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '55P03', '57014', '40P01', '40001']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

// node-postgres' own messages for a connection that died or could not be made in time.
const PG_CLIENT_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection timeout|Client has encountered a connection error|Connection ended unexpectedly|Client was closed and is not queryable/i;

export function isPostgresUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || NETWORK_CODES.has(code))) return true;
  const message = error instanceof Error ? error.message : String(error);
  return PG_CLIENT_MESSAGES.test(message);
}
