import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePorts } from './free-ports.ts';
import { registerTeardown } from './teardown.ts';
import type { EnvironmentInfo } from './test-environment.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Timing for scenarios, so what a scenario waits for shows within seconds instead of half a
 * minute. Queue: promoters every 200 ms and 1 s rate windows (production defaults: 1000 ms,
 * 5000 ms). Core: a payment whose request died is given up after 6 s, three payment timeouts,
 * instead of 30 s (any value is safe, see core/main.ts), so its charge is voided within seconds.
 */
export const SCENARIO_PACE = {
  queue: { PROMOTER_INTERVAL_MS: '200', ADMISSION_RATE_WINDOW_MS: '1000' },
  core: { PAYMENT_ABANDON_AFTER_MS: '6000' },
} satisfies Record<'queue' | 'core', Record<string, string>>;

export type ServiceName = 'core' | `queue-${number}` | 'payment-gateway';

/** A service of the running system, however it runs (child process or container). */
export type RunningService = {
  name: ServiceName;
  url: string;
  port: number;
  env: Record<string, string>;
};

export type ServiceProcess = RunningService & { child: ChildProcess };

export type Endpoints = {
  coreUrl: string;
  queueUrls: string[];
  gatewayUrl: string;
  adminToken: string;
};

export type StartedReferenceSystem<Service extends RunningService = RunningService> = {
  endpoints: Endpoints;
  services: Service[];
  /** Starts a stopped or killed service again, same port and settings. */
  restart(name: ServiceName): Promise<void>;
  /** SIGKILL, as a crash: no graceful shutdown, in-flight requests are cut off. */
  kill(name: ServiceName): Promise<void>;
  isRunning(name: ServiceName): boolean;
  /** The container a service runs in (containers mode; undefined for child processes). */
  containerId?(name: ServiceName): string | undefined;
  /** Resolves when every service answers /health/ready with 200 again (after a fault). */
  waitUntilReady(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
};

type Options = {
  environment: EnvironmentInfo;
  logDir: string;
  /** Extra env for every service (e.g. short promoter interval for scenarios). */
  extraEnv?: Record<string, string>;
  /** Checkout whose reference-system/ and lua/ run (default: this one); load runs compare commits with it. */
  root?: string;
  /** Queue instances sharing the cluster (default 2: the suite checks they agree). */
  queueInstances?: number;
  /** Node.js binary the services run on (default: the one running this); load runs compare runtimes with it. */
  node?: string;
};

/**
 * Starts the reference system as child processes against a running environment: the payment
 * gateway stub, the core service and two queue instances sharing the cluster. Ready means every
 * /health/ready answers 200.
 */
export async function startReferenceSystem(options: Options): Promise<StartedReferenceSystem<ServiceProcess>> {
  mkdirSync(options.logDir, { recursive: true });
  const adminToken = process.env.E2E_ADMIN_TOKEN || randomBytes(24).toString('base64url');
  const common: Record<string, string> = {
    REDIS_CLUSTER_NODES: options.environment.redisNodes,
    REDIS_NAT_MAP: options.environment.redisNatMap,
    QUEUE_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    ADMIN_TOKEN: adminToken,
    ...options.extraEnv,
  };
  const queueInstances = options.queueInstances ?? 2;
  const ports = await freePorts(2 + queueInstances);
  const gatewayUrl = `http://127.0.0.1:${ports[0]}`;
  const specs: { name: ServiceName; entry: string; port: number; env: Record<string, string> }[] = [
    { name: 'payment-gateway', entry: 'payment-gateway/main.ts', port: ports[0], env: {} },
    {
      name: 'core',
      entry: 'core/main.ts',
      port: ports[1],
      env: { ...SCENARIO_PACE.core, ...common, DATABASE_URL: options.environment.databaseUrl, PAYMENT_GATEWAY_URL: gatewayUrl },
    },
    ...Array.from({ length: queueInstances }, (_, i) => ({
      name: `queue-${i + 1}` as const,
      entry: 'queue/main.ts',
      port: ports[2 + i],
      env: { ...SCENARIO_PACE.queue, ...common },
    })),
  ];

  const services: ServiceProcess[] = [];
  const launch = async (spec: (typeof specs)[number]) => {
    const env = { ...spec.env, PORT: String(spec.port), SERVICE_NAME: spec.name };
    const child = spawnService(options.node ?? process.execPath, options.root ?? ROOT, spec.entry, env, path.join(options.logDir, `${spec.name}.log`));
    const service: ServiceProcess = { name: spec.name, url: `http://127.0.0.1:${spec.port}`, port: spec.port, child, env };
    const unregister = registerTeardown(spec.name, () => stopService(service));
    child.once('exit', unregister);
    await waitUntilReady(service, 30_000);
    return service;
  };

  // One after the other. A core that once exited 1 at start-up here (started all at once, in a
  // mutation run) had lost its port to an outgoing connection's source port: ports came from
  // inside the kernel's ephemeral range then (environment/free-ports.ts draws outside it now).
  try {
    for (const spec of specs) services.push(await launch(spec));
  } catch (error) {
    await Promise.all(services.map(stopService));
    throw error;
  }

  const byName = (name: ServiceName) => services.find((s) => s.name === name)!;
  return {
    endpoints: {
      coreUrl: byName('core').url,
      queueUrls: services.filter((s) => s.name.startsWith('queue-')).map((s) => s.url),
      gatewayUrl,
      adminToken,
    },
    services,
    async restart(name) {
      const index = services.findIndex((s) => s.name === name);
      await stopService(services[index]);
      services[index] = await launch(specs.find((s) => s.name === name)!);
    },
    async kill(name) {
      const child = byName(name).child;
      if (!isRunning(child)) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
    isRunning: (name) => isRunning(byName(name).child),
    async waitUntilReady(timeoutMs) {
      await Promise.all(services.map((service) => waitUntilReady(service, timeoutMs)));
    },
    async stop() {
      await Promise.all(services.map(stopService));
    },
  };
}

function spawnService(node: string, root: string, entry: string, env: Record<string, string>, logFile: string): ChildProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  // SERVICE_NODE_ARGS: flags node refuses in NODE_OPTIONS, e.g. --cpu-prof for profiling a load run.
  const nodeArgs = (env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(node, [...nodeArgs, ...typeScriptLoader(root), path.join(root, 'reference-system', entry)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

/**
 * Node strips the types of this checkout's TypeScript itself (tsconfig's erasableSyntaxOnly
 * keeps it that way). A checkout from before that (an --ab-ref of an older commit) still
 * needs its own tsx, from its own node_modules.
 */
function typeScriptLoader(root: string): string[] {
  return readFileSync(path.join(root, 'tsconfig.json'), 'utf8').includes('erasableSyntaxOnly') ? [] : ['--import', 'tsx'];
}

async function waitUntilReady(service: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(`${service.name} exited with code ${service.child.exitCode} while starting; see its log in reports/logs/`);
    }
    try {
      const res = await fetch(`${service.url}/health/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service.name} not ready within ${timeoutMs} ms; see its log in reports/logs/`);
}

const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

export async function stopService(service: ServiceProcess): Promise<void> {
  const child = service.child;
  if (!isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
