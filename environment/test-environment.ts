import { getContainerRuntimeClient, getReaper, Network } from 'testcontainers';
import { images, runLabels } from './images.ts';
import { POSTGRES_ALIAS, startPostgres, type StartedPostgreSqlContainer } from './postgres.ts';
import { RedisClusterContainer, type StartedRedisCluster } from './redis-cluster.ts';
import { removeOrphansOfDeadRuns, removeRunResources, trackNetwork } from './cleanup.ts';
import { registerTeardown } from './teardown.ts';

export type EnvironmentInfo = {
  redisImage: string;
  postgresImage: string;
  postgresVersion: string;
  cluster: { masters: number; replicas: number; nodes: number };
  redisNodes: string;
  redisNatMap: string;
  databaseUrl: string;
  /**
   * The Docker network Redis and PostgreSQL share, and how a container on it reaches them: by
   * name, no NAT map (the cluster announces the nodes' addresses on this network).
   */
  network: string;
  internal: { redisNodes: string; databaseUrl: string };
};

export type TestEnvironment = {
  redis: StartedRedisCluster;
  postgres: StartedPostgreSqlContainer;
  info: EnvironmentInfo;
  stop(): Promise<void>;
};

/**
 * On a machine where Docker is local, containers are reached on 127.0.0.1 (Testcontainers
 * would otherwise pick the docker0 gateway). Call before anything talks to Docker.
 */
export function applyTestcontainersDefaults(): void {
  const dockerHost = process.env.DOCKER_HOST;
  if (!process.env.TESTCONTAINERS_HOST_OVERRIDE && (!dockerHost || dockerHost.startsWith('unix://'))) {
    process.env.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1';
  }
}

/** Fails within seconds, with what to do, when no container runtime answers. */
export async function assertContainerRuntime(timeoutMs = 15_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new Error(
      `No container runtime answers (${(error as Error).message}).\n` +
        '  Start Docker, or on a Debian/Ubuntu machine without registry access run as root:\n' +
        '    eval "$(bash scripts/provision.sh)"\n' +
        '  which installs and starts Docker (and Node 24 where node is older), builds local Redis/PostgreSQL images and prints the env vars to use.',
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Redis Cluster (3 masters + 3 replicas unless `shape` says otherwise: the load tool's ceiling
 * measurement runs 6 masters without replicas) and PostgreSQL 15, started in parallel.
 */
export async function startTestEnvironment(
  log: (line: string) => void = () => undefined,
  shape: { redisMasters?: number; redisReplicas?: number } = {},
): Promise<TestEnvironment> {
  const labels = runLabels();
  // Testcontainers creates its reaper (and session id) lazily and races when containers start
  // in parallel: make it once, up front.
  await getReaper(await getContainerRuntimeClient()).catch((error) => {
    throw withPullHint(error);
  });
  const orphans = await removeOrphansOfDeadRuns();
  if (orphans) log(`removed ${orphans} container(s) left behind by an earlier, killed run`);

  const started = Date.now();
  const network = await new Network().start();
  trackNetwork(network.getId());
  const startup = Promise.allSettled([
    new RedisClusterContainer(images.redis)
      .withNetwork(network)
      .withMasters(shape.redisMasters ?? 3)
      .withReplicas(shape.redisReplicas ?? 1)
      .withNodeTimeout(2000)
      .withLabels(labels)
      .start(),
    startPostgres(images.postgres, labels, network),
  ]);
  // Registered before anything is up: a signal during start-up waits for the containers being
  // created (they would be missed by a sweep made now), then removes them.
  const unregister = registerTeardown('containers', async () => {
    await Promise.race([startup, new Promise((r) => setTimeout(r, 60_000).unref())]);
    await removeRunResources();
  });
  const [redis, postgres] = await startup;
  if (redis.status === 'rejected' || postgres.status === 'rejected') {
    await removeRunResources();
    throw withPullHint(redis.status === 'rejected' ? redis.reason : (postgres as PromiseRejectedResult).reason);
  }
  const cluster = redis.value;
  const pg = postgres.value;
  const version = await pg.exec(['psql', '-U', 'tickets', '-d', 'tickets', '-Atc', 'SHOW server_version']);
  const info: EnvironmentInfo = {
    redisImage: images.redis,
    postgresImage: images.postgres,
    postgresVersion: version.output.trim(),
    cluster: await cluster.layout(),
    redisNodes: cluster.getSeedNodes().map((n) => `${n.host}:${n.port}`).join(','),
    redisNatMap: JSON.stringify(
      Object.fromEntries(Object.entries(cluster.getNatMap()).map(([from, to]) => [from, `${to.host}:${to.port}`])),
    ),
    databaseUrl: pg.getConnectionUri(),
    network: network.getName(),
    internal: {
      redisNodes: cluster.getInternalSeedNodes().map((n) => `${n.host}:${n.port}`).join(','),
      databaseUrl: `postgresql://${pg.getUsername()}:${pg.getPassword()}@${POSTGRES_ALIAS}:5432/${pg.getDatabase()}`,
    },
  };
  log(
    `environment up in ${((Date.now() - started) / 1000).toFixed(1)} s: Redis Cluster ` +
      `${info.cluster.masters} masters + ${info.cluster.replicas} replicas, PostgreSQL ${info.postgresVersion}`,
  );

  let stopped = false;
  return {
    redis: cluster,
    postgres: pg,
    info,
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.allSettled([cluster.stop(), pg.stop({ remove: true, removeVolumes: true, timeout: 1 })]);
      await network.stop().catch(() => undefined);
      // Whatever the graceful stop missed (a container a fault test restarted, a network).
      await removeRunResources();
      unregister();
    },
  };
}

/**
 * An image that cannot be pulled usually means "no registry here": say what to do about it.
 * A GitHub runner has Docker and reaches Docker Hub: there a failed pull is Docker Hub's rate
 * limit or an outage, and the offline script would install a second Docker engine.
 */
function withPullHint(error: unknown): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  if (/registry|pull|manifest|no such host|repository does not exist/i.test(e.message)) {
    e.message += `\n  An image could not be pulled (${images.redis}, ${images.postgres} or Testcontainers' Ryuk).`;
    e.message +=
      process.env.GITHUB_ACTIONS === 'true'
        ? '\n  On a GitHub runner this is Docker Hub refusing (rate limit of anonymous pulls) or unreachable:' +
          '\n  re-run the job; if it persists, log in before the suite (docker/login-action with a Docker Hub token)' +
          '\n  or point E2E_REDIS_IMAGE / E2E_POSTGRES_IMAGE at a registry you use (ghcr.io). Do not run' +
          '\n  scripts/provision.sh here: the runner has Docker, and it would install a second engine.'
        : '\n  Without registry access, build local images and take the settings it prints:' +
          '\n    eval "$(bash scripts/provision.sh)"' +
          '\n  (E2E_REDIS_IMAGE, E2E_POSTGRES_IMAGE, TESTCONTAINERS_RYUK_DISABLED=true), or point those at images you have.';
  }
  return e;
}
