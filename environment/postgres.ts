import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { getContainerRuntimeClient, Wait, type StartedNetwork } from 'testcontainers';
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

/**
 * A PostgreSQL restart: a fast shutdown (`pg_ctl stop -m fast`: every session is ended at once
 * and open transactions roll back, as in an operator's restart or a failover), then the same
 * container starts again with its data on the same port. Resolves once it accepts queries.
 * (`docker restart` is no good here: it only signals the entrypoint and, when that does not pass
 * the signal on, waits its whole grace period, so the database goes down seconds later than asked.)
 */
export async function restartPostgres(container: StartedPostgreSqlContainer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const stopped = await container.exec(['sh', '-c', 'pg_ctl stop -m fast -W -D "$PGDATA"'], { user: 'postgres' });
  if (stopped.exitCode !== 0) throw new Error(`pg_ctl stop failed: ${stopped.output}`);
  // -W: do not wait (the exec would die with the container); the server is the container's main
  // process, so the container exits with it.
  const docker = (await getContainerRuntimeClient()).container.dockerode.getContainer(container.getId());
  while ((await docker.inspect()).State.Running) {
    if (Date.now() > deadline) throw new Error('the PostgreSQL container did not stop after pg_ctl stop');
    await new Promise((r) => setTimeout(r, 100));
  }
  await docker.start();
  await waitUntilAcceptingQueries(container.getConnectionUri(), Math.max(1000, deadline - Date.now()));
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
