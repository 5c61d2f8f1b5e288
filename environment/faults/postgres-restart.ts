import { getContainerRuntimeClient } from 'testcontainers';
import { waitUntilAcceptingQueries, type StartedPostgreSqlContainer } from '../postgres.ts';
import { RESTORE_TIMEOUT_MS, type FaultKind } from './fault-kind.ts';

/** PostgreSQL restarted under the core service, which must stay up and recover by itself. */
export function postgresRestart(postgres: StartedPostgreSqlContainer, log: (line: string) => void): FaultKind {
  return {
    handlers: {
      async restartPostgres() {
        const started = Date.now();
        await restartPostgres(postgres, RESTORE_TIMEOUT_MS);
        log('infra: restarted PostgreSQL');
        return { acceptingAfterMs: Date.now() - started };
      },
    },
  };
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

