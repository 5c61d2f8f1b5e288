import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Pool } from 'pg';
import { removeRunResources } from '../../environment/cleanup.ts';
import { images, runLabels } from '../../environment/images.ts';
import { startPostgres } from '../../environment/postgres.ts';
import { applyTestcontainersDefaults } from '../../environment/test-environment.ts';
import { createConcert } from '../../reference-system/core/concerts.ts';
import { createPool } from '../../reference-system/core/database.ts';
import { migrate } from '../../reference-system/core/migrate.ts';
import { createPaymentGatewayApp } from '../../reference-system/payment-gateway/gateway-app.ts';
import { createLogger } from '../../reference-system/shared/logger.ts';

export const quietLogger = createLogger('test', true);

/** A migrated PostgreSQL 15 in a container, for one test file. */
export async function startDatabase(): Promise<{ pool: Pool; url: string; stop(): Promise<void> }> {
  applyTestcontainersDefaults();
  const container = await startPostgres(images.postgres, runLabels());
  const url = container.getConnectionUri();
  const pool = createPool({ connectionString: url, max: 60 });
  await migrate(pool);
  return {
    pool,
    url,
    async stop() {
      await pool.end().catch(() => undefined);
      await container.stop({ remove: true, removeVolumes: true, timeout: 1 }).catch(() => undefined);
      await removeRunResources();
    },
  };
}

let concerts = 0;
/** A fresh concert per test, so tests never see each other's seats. */
export async function newConcert(pool: Pool, seatCount = 10, price = 4_500): Promise<string> {
  const concertId = `t-${process.pid}-${++concerts}`;
  await createConcert(pool, { concertId, name: 'Test concert', seatCount, price });
  return concertId;
}

/** The payment gateway stub on a random local port. */
export async function startGateway() {
  const { app, book } = createPaymentGatewayApp({ logger: quietLogger });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    book,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `probe` until `done` accepts its value, or fails at the deadline. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pushes a hold's deadline into the past, as if its holdSeconds had run out. */
export async function lapse(pool: Pool, reservationId: string): Promise<void> {
  await pool.query(
    `UPDATE reservations SET held_at = now() - interval '10 minutes', expires_at = now() - interval '1 second' WHERE reservation_id = $1`,
    [reservationId],
  );
}
