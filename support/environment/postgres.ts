import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { getContainerRuntimeClient } from 'testcontainers';
import pg from 'pg';
import { freePorts } from './free-ports.ts';

export type { StartedPostgreSqlContainer };

const POSTGRES_PORT = 5432;

/**
 * PostgreSQL 15 for the core service; fsync stays on so restarts in fault tests are honest. The
 * host port is fixed up front, so after a restart the core service's DATABASE_URL still points
 * at it and its pool reconnects by itself.
 */
export async function startPostgres(image: string, labels: Record<string, string>): Promise<StartedPostgreSqlContainer> {
  const [hostPort] = await freePorts(1);
  return new PostgreSqlContainer(image)
    .withDatabase('tickets')
    .withUsername('tickets')
    .withPassword('tickets')
    .withLabels(labels)
    .withExposedPorts({ container: POSTGRES_PORT, host: hostPort })
    .withCommand(['postgres', '-c', 'max_connections=200'])
    .start();
}

/**
 * `docker restart`: PostgreSQL shuts down (ending every connection), the same container and data
 * come back on the same port. Resolves once it accepts queries again.
 */
export async function restartPostgres(container: StartedPostgreSqlContainer, timeoutMs: number): Promise<void> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  await docker.getContainer(container.getId()).restart({ t: 5 });
  await waitUntilAcceptingQueries(container.getConnectionUri(), timeoutMs);
}

export async function waitUntilAcceptingQueries(databaseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not tried';
  while (Date.now() < deadline) {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 1000 });
    // A connection that dies while we test it emits 'error'; without a listener that would throw.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      last = (error as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`PostgreSQL not accepting queries within ${timeoutMs} ms: ${last}`);
}
