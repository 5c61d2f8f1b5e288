import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';

export type { StartedPostgreSqlContainer };

/** PostgreSQL 15 for the core service; fsync stays on so restarts in fault tests are honest. */
export function startPostgres(image: string, labels: Record<string, string>): Promise<StartedPostgreSqlContainer> {
  return new PostgreSqlContainer(image)
    .withDatabase('tickets')
    .withUsername('tickets')
    .withPassword('tickets')
    .withLabels(labels)
    .withCommand(['postgres', '-c', 'max_connections=200'])
    .start();
}
