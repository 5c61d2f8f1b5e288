import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startReferenceSystem } from '../environment/reference-system.ts';
import { checkoutCommit, type CommitCheckout } from './commit-checkout.ts';
import { applyTestcontainersDefaults, assertContainerRuntime, startTestEnvironment } from '../environment/test-environment.ts';

/** Where a load run sends its traffic, and what it may read directly to check the outcome. */
export type LoadTarget = {
  kind: 'managed' | 'external';
  coreUrl: string;
  queueUrls: string[];
  gatewayUrl: string;
  adminToken: string;
  /** Read-only SQL for the seat invariants; empty when not given. */
  databaseUrl: string;
  /** Redis Cluster seeds "host:port,…" and the announced→reachable address map (JSON). */
  redisNodes: string;
  redisNatMap: string;
  /** Local processes of the system under test (managed only), for their CPU use. */
  processes: { name: string; pid: number }[];
  /** Containers whose CPU is read from their cgroup as a whole (PostgreSQL: a process per connection). */
  containers: { name: string; id: string }[];
  /** Settings the managed queue instances were started with beyond the defaults. */
  serviceEnv: Record<string, string>;
  /** A managed target's cluster, "3 masters + 3 replicas". */
  redisCluster?: string;
  /**
   * A second set of services on the same containers with other settings or another commit's
   * code, for a before/after comparison inside one run (--ab-service-env, --ab-ref);
   * enter-capacity, enter-latency and seat-rush run both.
   */
  variantB?: {
    serviceEnv: Record<string, string>;
    ref?: string;
    /** The Node.js version its services run on, when --ab-node chose another binary. */
    nodeVersion?: string;
    /** Its own services have their own admin token. */
    adminToken: string;
    coreUrl: string;
    queueUrls: string[];
    gatewayUrl: string;
    processes: { name: string; pid: number }[];
  };
  stop(): Promise<void>;
};

/**
 * The environment `npm run e2e` uses (environment/managed-target.ts): Redis Cluster 3+3 and
 * PostgreSQL in containers; the reference system runs as child processes of a checkout here
 * (as with E2E_SYSTEM=process), so a variant B can run another commit's sources beside it.
 * `serviceEnv` reaches every service, e.g. the promoter's batch size.
 */
export async function startManagedLoadTarget(options: {
  log: (line: string) => void;
  logDir: string;
  serviceEnv: Record<string, string>;
  queueInstances: number;
  variantB?: { serviceEnv: Record<string, string>; ref?: string; node?: string };
  /** The Redis Cluster's shape; default 3 masters with a replica each, as npm run e2e. */
  redis?: { masters: number; replicas: number };
}): Promise<LoadTarget> {
  const { log, logDir, serviceEnv, queueInstances, variantB: variant } = options;
  const redis = options.redis ?? { masters: 3, replicas: 1 };
  applyTestcontainersDefaults();
  await assertContainerRuntime();
  log(`starting Redis Cluster (${redis.masters} masters + ${redis.masters * redis.replicas} replicas) and PostgreSQL in containers`);
  const environment = await startTestEnvironment(log, { redisMasters: redis.masters, redisReplicas: redis.replicas });
  try {
    log(`starting the reference system ${Object.keys(serviceEnv).length ? `with ${formatEnv(serviceEnv)}` : ''}`);
    const system = await startReferenceSystem({ environment: environment.info, logDir, extraEnv: serviceEnv, queueInstances });
    const bEnv = variant ? { ...serviceEnv, ...variant.serviceEnv } : undefined;
    let systemB: Awaited<ReturnType<typeof startReferenceSystem>> | undefined;
    let checkout: CommitCheckout | undefined;
    if (variant && bEnv) {
      try {
        if (variant.ref) {
          checkout = checkoutCommit(variant.ref, { node: variant.node, log });
          log(`checked out ${variant.ref} (${checkout.commit.slice(0, 12)}) for variant B in ${checkout.dir}`);
        }
        log(`starting variant B of the reference system${checkout ? ` at ${variant.ref}` : ''}${Object.keys(bEnv).length ? ` with ${formatEnv(bEnv)}` : ''}`);
        systemB = await startReferenceSystem({
          environment: environment.info,
          logDir: path.join(logDir, 'variant-b'),
          extraEnv: bEnv,
          queueInstances,
          root: checkout?.dir,
          node: variant.node,
        });
      } catch (error) {
        checkout?.remove();
        await system.stop();
        throw error;
      }
    }
    const { endpoints } = system;
    const redisProcesses = environment.redis.nodes.map((n) => ({
      name: `redis ${n.internal.host}`,
      pid: containerPid(n.container.getId()),
    }));
    return {
      kind: 'managed',
      coreUrl: endpoints.coreUrl,
      queueUrls: endpoints.queueUrls,
      gatewayUrl: endpoints.gatewayUrl,
      adminToken: endpoints.adminToken,
      databaseUrl: environment.info.databaseUrl,
      redisNodes: environment.info.redisNodes,
      redisNatMap: environment.info.redisNatMap,
      processes: [...system.services.map((s) => ({ name: s.name, pid: s.child.pid ?? 0 })), ...redisProcesses],
      containers: [{ name: 'postgres', id: environment.postgres.getId() }],
      serviceEnv,
      redisCluster: `${environment.info.cluster.masters} masters + ${environment.info.cluster.replicas} replicas`,
      variantB:
        systemB && bEnv
          ? {
              serviceEnv: variant?.serviceEnv ?? {},
              ref: variant?.ref,
              nodeVersion: variant?.node ? execFileSync(variant.node, ['--version'], { encoding: 'utf8' }).trim() : undefined,
              adminToken: systemB.endpoints.adminToken,
              coreUrl: systemB.endpoints.coreUrl,
              gatewayUrl: systemB.endpoints.gatewayUrl,
              queueUrls: systemB.endpoints.queueUrls,
              processes: systemB.services.map((s) => ({ name: `B ${s.name}`, pid: s.child.pid ?? 0 })),
            }
          : undefined,
      async stop() {
        await systemB?.stop();
        checkout?.remove();
        await system.stop();
        await environment.stop();
      },
    };
  } catch (error) {
    await environment.stop();
    throw error;
  }
}

/** A running deployment given by the same E2E_* variables the suite reads (E2E_TARGET=external). */
export function externalLoadTarget(env: NodeJS.ProcessEnv = process.env): LoadTarget {
  const need = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set: an external target needs E2E_CORE_URL, E2E_QUEUE_URLS, E2E_ADMIN_TOKEN (see docs/load.md)`);
    return value;
  };
  return {
    kind: 'external',
    coreUrl: need('E2E_CORE_URL'),
    queueUrls: need('E2E_QUEUE_URLS').split(',').filter(Boolean),
    gatewayUrl: env.E2E_GATEWAY_URL ?? '',
    adminToken: need('E2E_ADMIN_TOKEN'),
    databaseUrl: env.E2E_DATABASE_URL ?? '',
    redisNodes: env.E2E_REDIS_NODES ?? '',
    redisNatMap: env.E2E_REDIS_NAT_MAP ?? '',
    processes: [],
    containers: [],
    serviceEnv: {},
    stop: async () => undefined,
  };
}

/** The host pid of a container's main process (redis-server), to read its CPU time from /proc. */
function containerPid(id: string): number {
  try {
    return Number(execFileSync('docker', ['inspect', '-f', '{{.State.Pid}}', id], { encoding: 'utf8' }).trim());
  } catch {
    return 0;
  }
}

/** What variant B differs in, for a report: "code at <ref>" and/or its extra settings. */
export function describeVariantB(variantB: NonNullable<LoadTarget['variantB']>): string {
  const code = variantB.ref ? [`code at ${variantB.ref}`] : [];
  const runtime = variantB.nodeVersion ? [`Node.js ${variantB.nodeVersion}`] : [];
  return [...code, ...runtime, formatEnv(variantB.serviceEnv)].filter(Boolean).join(', ');
}

const formatEnv = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');

/**
 * For a scenario that cannot compare variants itself: the target as side A (without B), and
 * variant B as a target of its own (its services, the same containers), to run it on in turn.
 */
export function sidesOf(target: LoadTarget): { label: string; target: LoadTarget }[] {
  const b = target.variantB;
  if (!b) return [{ label: '', target }];
  const shared = target.processes.filter((p) => p.name.startsWith('redis '));
  return [
    { label: '', target: { ...target, variantB: undefined } },
    {
      label: 'b',
      target: {
        ...target,
        coreUrl: b.coreUrl,
        queueUrls: b.queueUrls,
        gatewayUrl: b.gatewayUrl,
        adminToken: b.adminToken,
        processes: [...b.processes, ...shared],
        serviceEnv: { ...target.serviceEnv, ...b.serviceEnv },
        variantB: undefined,
      },
    },
  ];
}
