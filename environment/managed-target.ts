import { applyTestcontainersDefaults, assertContainerRuntime, startTestEnvironment, type EnvironmentInfo } from './test-environment.ts';
import { startReferenceSystem, type StartedReferenceSystem } from './reference-system.ts';
import { startContainerSystem } from './reference-system-containers.ts';
import { serviceImages, type ServiceImages } from './service-images.ts';
import { startFaultServer } from './faults/server.ts';
import { registerTeardown } from './teardown.ts';
import type { SystemUnderTest } from './system-under-test.ts';

/**
 * How the reference system runs: `containers` (default), its images on the network of Redis and
 * PostgreSQL, as a team would deploy it; `process`, child processes of this checkout's sources,
 * for the fast inner loop and load A/B runs of two commits.
 */
export type SystemMode = 'containers' | 'process';

export function systemMode(): SystemMode {
  const raw = process.env.E2E_SYSTEM || 'containers';
  if (raw !== 'containers' && raw !== 'process') throw new Error(`E2E_SYSTEM must be "containers" or "process", not "${raw}"`);
  return raw;
}

export type ManagedTarget = {
  info: EnvironmentInfo;
  system: SystemMode;
  /** The images the services run from (containers mode). */
  images?: ServiceImages;
  queueInstances: number;
  /** What the suite's workers are told about it (environment/system-under-test.ts). */
  target: SystemUnderTest;
  /** E2E_* variables that point the suite (or a person) at this target. */
  env: Record<string, string>;
  /** Values that must never appear in logs or reports (scripts/secret-scan.ts). */
  secrets: { name: string; value: string }[];
  stop(): Promise<void>;
};

/** Containers plus the reference system, as `npm run e2e` and `npm run stack` use them. */
export async function startManagedTarget(
  log: (line: string) => void,
  logDir: string,
  options: { extraEnv?: Record<string, string>; system?: SystemMode } = {},
): Promise<ManagedTarget> {
  const mode = options.system ?? systemMode();
  applyTestcontainersDefaults();
  await assertContainerRuntime();
  // Built (or found unchanged) before anything starts: a build that fails leaves nothing running.
  const images = mode === 'containers' ? await serviceImages(log) : undefined;
  log('starting Redis Cluster (3 masters + 3 replicas) and PostgreSQL in containers');
  const environment = await startTestEnvironment(log);
  try {
    log(`starting the reference system (${mode === 'containers' ? 'containers' : 'child processes'}): payment gateway stub, core, 2 queue instances`);
    // The suite proves that an acknowledged entry survives a Redis failover; that promise
    // needs the queue to wait for a replica (docs/guarantees.md).
    // A stream limit a scenario can fill (following-my-place: the 503 an instance at its limit answers).
    const extraEnv = { QUEUE_DURABLE_WRITES: '1', QUEUE_STREAM_LIMIT: '40', ...options.extraEnv };
    const system: StartedReferenceSystem = images
      ? await startContainerSystem({ environment: environment.info, network: environment.redis.network, images, logDir, extraEnv })
      : await startReferenceSystem({ environment: environment.info, logDir, extraEnv });
    const { endpoints } = system;
    // Fault scenarios (@chaos) kill nodes and processes through this (environment/faults/).
    const infra = await startFaultServer({ environment, system, log });
    const unregisterInfra = registerTeardown('fault server', () => infra.stop());
    return {
      info: environment.info,
      system: mode,
      images,
      queueInstances: endpoints.queueUrls.length,
      target: {
        managed: true,
        coreUrl: endpoints.coreUrl,
        queueUrls: endpoints.queueUrls,
        gatewayUrl: endpoints.gatewayUrl,
        adminToken: endpoints.adminToken,
        databaseUrl: environment.info.databaseUrl,
        logDir,
        infraUrl: infra.url,
        infraToken: infra.token,
        networkFaults: mode === 'containers',
      },
      env: {
        E2E_TARGET: 'managed',
        E2E_CORE_URL: endpoints.coreUrl,
        E2E_QUEUE_URLS: endpoints.queueUrls.join(','),
        E2E_GATEWAY_URL: endpoints.gatewayUrl,
        E2E_ADMIN_TOKEN: endpoints.adminToken,
        E2E_DATABASE_URL: environment.info.databaseUrl,
        E2E_REDIS_NODES: environment.info.redisNodes,
        E2E_REDIS_NAT_MAP: environment.info.redisNatMap,
        E2E_INFRA_URL: infra.url,
        E2E_INFRA_TOKEN: infra.token,
      },
      secrets: [
        { name: 'ADMIN_TOKEN', value: endpoints.adminToken },
        { name: 'QUEUE_TOKEN_SECRET', value: system.services.find((s) => s.name === 'core')!.env.QUEUE_TOKEN_SECRET },
        { name: 'E2E_INFRA_TOKEN', value: infra.token },
      ],
      async stop() {
        await infra.stop();
        unregisterInfra();
        await system.stop();
        await environment.stop();
      },
    };
  } catch (error) {
    await environment.stop();
    throw error;
  }
}
