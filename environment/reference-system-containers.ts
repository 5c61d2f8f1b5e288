import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { GenericContainer, getContainerRuntimeClient, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { freePorts } from './free-ports.ts';
import { runLabels } from './images.ts';
import { SCENARIO_PACE, type Endpoints, type ServiceName, type StartedReferenceSystem } from './reference-system.ts';
import type { ServiceImages, ServiceKind } from './service-images.ts';
import { registerTeardown } from './teardown.ts';
import type { EnvironmentInfo } from './test-environment.ts';

/** Label of a service container: its name (core, queue-1, ...); container-logs.ts leaves its log to us. */
export const SERVICE_LABEL = 'ticket-rush.service';

/** The port each service listens on inside its container (docs/operations.md, "Bring your own images"). */
export const CONTAINER_PORTS: Record<ServiceKind, number> = { core: 8080, queue: 8081, 'payment-gateway': 8090 };

type Spec = { name: ServiceName; kind: ServiceKind; hostPort: number; env: Record<string, string> };

export type ContainerService = { name: ServiceName; url: string; port: number; env: Record<string, string>; image: string };

/**
 * The reference system as containers on the network of Redis and PostgreSQL: the payment
 * gateway stub, the core service and two queue instances, each from its image (ours, or one an
 * E2E_*_IMAGE names). They reach Redis, PostgreSQL and each other by name; the suite reaches
 * them on fixed 127.0.0.1 ports, so a service killed and started again (a new container of the
 * same image, same name, same port) is where it was. Ready means every /health/ready answers
 * 200; each container's output goes to <logDir>/<service>.log as it comes.
 */
export async function startContainerSystem(options: {
  environment: EnvironmentInfo;
  network: StartedNetwork;
  images: ServiceImages;
  logDir: string;
  extraEnv?: Record<string, string>;
  queueInstances?: number;
}): Promise<StartedReferenceSystem<ContainerService>> {
  mkdirSync(options.logDir, { recursive: true });
  const adminToken = process.env.E2E_ADMIN_TOKEN || randomBytes(24).toString('base64url');
  const internal = options.environment.internal;
  const common: Record<string, string> = {
    REDIS_CLUSTER_NODES: internal.redisNodes,
    QUEUE_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    ADMIN_TOKEN: adminToken,
    ...options.extraEnv,
  };
  const queueInstances = options.queueInstances ?? 2;
  const ports = await freePorts(2 + queueInstances);
  const specs: Spec[] = [
    { name: 'payment-gateway', kind: 'payment-gateway', hostPort: ports[0], env: {} },
    {
      name: 'core',
      kind: 'core',
      hostPort: ports[1],
      env: {
        ...SCENARIO_PACE.core,
        ...common,
        DATABASE_URL: internal.databaseUrl,
        PAYMENT_GATEWAY_URL: `http://payment-gateway:${CONTAINER_PORTS['payment-gateway']}`,
      },
    },
    ...Array.from({ length: queueInstances }, (_, i): Spec => ({
      name: `queue-${i + 1}`,
      kind: 'queue',
      hostPort: ports[2 + i],
      env: { ...SCENARIO_PACE.queue, ...common },
    })),
  ];

  const running = new Map<ServiceName, StartedTestContainer>();
  const launch = async (spec: Spec) => {
    const port = CONTAINER_PORTS[spec.kind];
    const log = createWriteStream(path.join(options.logDir, `${spec.name}.log`), { flags: 'a' });
    const container = await new GenericContainer(options.images[spec.kind].image)
      .withNetwork(options.network)
      .withNetworkAliases(spec.name)
      .withLabels({ ...runLabels(), [SERVICE_LABEL]: spec.name })
      .withEnvironment({ ...spec.env, PORT: String(port), HOST: '0.0.0.0', SERVICE_NAME: spec.name })
      .withExposedPorts({ container: port, host: spec.hostPort })
      .withLogConsumer((stream) => stream.pipe(log))
      .withWaitStrategy(Wait.forHttp('/health/ready', port).forStatusCode(200))
      .withStartupTimeout(30_000)
      .start()
      .catch((error: Error) => {
        error.message = `${spec.name} (${options.images[spec.kind].image}) did not become ready: ${error.message}; see reports/logs/${spec.name}.log`;
        throw error;
      });
    running.set(spec.name, container);
  };
  // docker stop: SIGTERM, the service drains and exits 0; SIGKILL after 10 s.
  const stopOne = async (name: ServiceName) => {
    const container = running.get(name);
    running.delete(name);
    await container?.stop({ remove: true, timeout: 10 });
  };
  const unregister = registerTeardown('reference-system containers', () => Promise.allSettled([...running.keys()].map(stopOne)));

  try {
    // All at once: none needs another to become ready (the core calls the gateway only to pay,
    // and the queue has no schema).
    const failure = (await Promise.allSettled(specs.map(launch))).find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  } catch (error) {
    await Promise.allSettled([...running.keys()].map(stopOne));
    unregister();
    throw error;
  }

  const url = (spec: Spec) => `http://127.0.0.1:${spec.hostPort}`;
  const byName = (name: ServiceName) => specs.find((s) => s.name === name)!;
  const endpoints: Endpoints = {
    coreUrl: url(byName('core')),
    queueUrls: specs.filter((s) => s.kind === 'queue').map(url),
    gatewayUrl: url(byName('payment-gateway')),
    adminToken,
  };
  return {
    endpoints,
    services: specs.map((spec) => ({ name: spec.name, url: url(spec), port: spec.hostPort, env: spec.env, image: options.images[spec.kind].image })),
    async restart(name) {
      await stopOne(name);
      await launch(byName(name));
    },
    async kill(name) {
      const container = running.get(name);
      if (!container) return;
      running.delete(name);
      const docker = (await getContainerRuntimeClient()).container.dockerode.getContainer(container.getId());
      await docker.kill().catch(() => undefined);
      await docker.remove({ force: true, v: true }).catch(() => undefined);
    },
    isRunning: (name) => running.has(name),
    containerId: (name) => running.get(name)?.getId(),
    async waitUntilReady(timeoutMs) {
      await Promise.all(specs.map((spec) => waitUntilReady(spec.name, url(spec), timeoutMs)));
    },
    async stop() {
      await Promise.allSettled([...running.keys()].map(stopOne));
      unregister();
    },
  };
}

async function waitUntilReady(name: string, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // restarting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} not ready within ${timeoutMs} ms; see its log in reports/logs/`);
}
