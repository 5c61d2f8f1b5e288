import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { Wait, type StartedNetwork } from 'testcontainers';
import pg from 'pg';
import { freePorts } from './free-ports.ts';

export type { StartedPostgreSqlContainer };

const POSTGRES_PORT = 5432;

/** Its name on the shared network: services in containers reach it as postgres:5432. */
export const POSTGRES_ALIAS = 'postgres';

/**
 * PostgreSQL 15 for the core service; fsync stays on so restarts in fault tests are honest. The
 * host port is fixed up front, so after a restart the core service's DATABASE_URL still points
 * at it and its pool reconnects by itself.
 */
export async function startPostgres(
  image: string,
  labels: Record<string, string>,
  network?: StartedNetwork,
): Promise<StartedPostgreSqlContainer> {
  const [hostPort] = await freePorts(1);
  let postgres = new PostgreSqlContainer(image);
  if (network) postgres = postgres.withNetwork(network).withNetworkAliases(POSTGRES_ALIAS);
  const container = await postgres
    .withDatabase('tickets')
    .withUsername('tickets')
    .withPassword('tickets')
    .withLabels(labels)
    .withExposedPorts({ container: POSTGRES_PORT, host: hostPort })
    // pg_stat_statements: the load tool reads PostgreSQL's own time per statement (docs/load.md).
    .withCommand(['postgres', '-c', 'max_connections=200', '-c', 'shared_preload_libraries=pg_stat_statements'])
    // No Docker health check: the module's default runs pg_isready in the container every 250 ms
    // for as long as it lives, which cost a tenth of a core through every run (measured by the
    // load tool from the container's cgroup; dockerd's exec work came on top). The official
    // image's initdb server listens on no TCP port, so an open port is the real server; then
    // one query proves it ready.
    .withHealthCheck({ test: ['NONE'] } as unknown as Parameters<PostgreSqlContainer['withHealthCheck']>[0])
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
  await waitUntilAcceptingQueries(container.getConnectionUri(), 30_000);
  return container;
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
