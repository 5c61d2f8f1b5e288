import { startContainerSystem, CONTAINER_PORTS } from '../../environment/reference-system-containers.ts';
import { serviceImages } from '../../environment/service-images.ts';
import { applyTestcontainersDefaults, assertContainerRuntime, startTestEnvironment } from '../../environment/test-environment.ts';
import type { LoadTarget } from '../target.ts';

export type ContainerLoadTarget = {
  /** How this process reaches the target: 127.0.0.1 ports and the Redis NAT map. */
  host: LoadTarget;
  /** The Docker network of Redis, PostgreSQL and the services. */
  network: string;
  /** The E2E_* variables of an external target, as a container on that network reaches it (by name). */
  networkEnv: Record<string, string>;
  /** Every container of the target, for its CPU (cgroup) over a run. */
  containers: { name: string; id: string }[];
  stop(): Promise<void>;
};

/**
 * One managed target for generators that run in containers: Redis Cluster and PostgreSQL as
 * `npm run e2e` starts them, and the reference system's images on their network (not child
 * processes, as the load tool's own target runs them: a container cannot reach those).
 */
export async function startContainerLoadTarget(options: {
  log: (line: string) => void;
  logDir: string;
  serviceEnv: Record<string, string>;
  queueInstances: number;
}): Promise<ContainerLoadTarget> {
  const { log, logDir, serviceEnv, queueInstances } = options;
  applyTestcontainersDefaults();
  await assertContainerRuntime();
  const images = await serviceImages(log);
  log('starting Redis Cluster (3 masters + 3 replicas) and PostgreSQL in containers');
  const environment = await startTestEnvironment(log);
  try {
    log(`starting the reference system's images on their network, ${queueInstances} queue instance(s)`);
    const system = await startContainerSystem({
      environment: environment.info,
      network: environment.redis.network,
      images,
      logDir,
      extraEnv: serviceEnv,
      queueInstances,
    });
    const { endpoints } = system;
    const queues = system.services.filter((s) => s.name.startsWith('queue-')).map((s) => s.name);
    const containers = [
      ...system.services.map((s) => ({ name: s.name, id: system.containerId?.(s.name) ?? '' })),
      ...environment.redis.nodes.map((n) => ({ name: n.name, id: n.container.getId() })),
      { name: 'postgres', id: environment.postgres.getId() },
    ];
    return {
      host: {
        kind: 'managed',
        coreUrl: endpoints.coreUrl,
        queueUrls: endpoints.queueUrls,
        gatewayUrl: endpoints.gatewayUrl,
        adminToken: endpoints.adminToken,
        databaseUrl: environment.info.databaseUrl,
        redisNodes: environment.info.redisNodes,
        redisNatMap: environment.info.redisNatMap,
        processes: [],
        containers: [],
        serviceEnv,
        stop: async () => undefined,
      },
      network: environment.info.network,
      networkEnv: {
        E2E_TARGET: 'external',
        E2E_CORE_URL: `http://core:${CONTAINER_PORTS.core}`,
        E2E_QUEUE_URLS: queues.map((name) => `http://${name}:${CONTAINER_PORTS.queue}`).join(','),
        E2E_GATEWAY_URL: `http://payment-gateway:${CONTAINER_PORTS['payment-gateway']}`,
        E2E_ADMIN_TOKEN: endpoints.adminToken,
        E2E_DATABASE_URL: environment.info.internal.databaseUrl,
        // The cluster announces its nodes' addresses on this network: no NAT map.
        E2E_REDIS_NODES: environment.info.internal.redisNodes,
      },
      containers,
      async stop() {
        await system.stop();
        await environment.stop();
      },
    };
  } catch (error) {
    await environment.stop();
    throw error;
  }
}
