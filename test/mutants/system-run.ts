/**
 * What both mutation runs share (`npm run mutation`, test/mutants/run.ts, and
 * `npm run mutation:generated`, test/mutants/generated/run.ts): a copy of the system started as
 * child processes against containers started once, with a database of its own and a
 * fault-injection server; a fail-fast cucumber run against it as an external target; and the
 * machine's heavy-work lock, taken per mutant.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { startFaultServer } from '../../environment/faults/server.ts';
import { startReferenceSystem } from '../../environment/reference-system.ts';
import type { TestEnvironment } from '../../environment/test-environment.ts';
import { readScenarioResults } from '../../scripts/report/scenario-results.ts';

export type FailedScenario = { by: string; error: string };

export type SystemRun = {
  /** E2E_* settings that point the suite at this system as an external target. */
  env: Record<string, string>;
  stop(): Promise<void>;
};

/**
 * The reference system of `root` (a scratch copy) as child processes, with a fresh database
 * `database` and a fault server, so @infra scenarios run too. `extraEnv` reaches the core and
 * the queue instances (not the payment gateway stub).
 */
export async function startSystemRun(options: {
  environment: TestEnvironment;
  root: string;
  database: string;
  logDir: string;
  extraEnv?: Record<string, string>;
}): Promise<SystemRun> {
  const { environment } = options;
  const databaseUrl = await freshDatabase(environment.info.databaseUrl, options.database);
  const system = await startReferenceSystem({
    environment: { ...environment.info, databaseUrl },
    logDir: options.logDir,
    root: options.root,
    // As npm run e2e runs it (environment/managed-target.ts).
    extraEnv: { QUEUE_DURABLE_WRITES: '1', QUEUE_STREAM_LIMIT: '40', LOG_LEVEL: 'info', ...options.extraEnv },
  });
  const infra = await startFaultServer({ environment, system, log: () => undefined });
  return {
    env: {
      E2E_TARGET: 'external',
      E2E_CORE_URL: system.endpoints.coreUrl,
      E2E_QUEUE_URLS: system.endpoints.queueUrls.join(','),
      E2E_GATEWAY_URL: system.endpoints.gatewayUrl,
      E2E_ADMIN_TOKEN: system.endpoints.adminToken,
      E2E_DATABASE_URL: databaseUrl,
      E2E_LOG_DIR: options.logDir,
      E2E_INFRA_URL: infra.url,
      E2E_INFRA_TOKEN: infra.token,
    },
    async stop() {
      await infra.stop();
      await system.stop();
    },
  };
}

/**
 * One fail-fast cucumber run in `root`; the first failed scenario and its first error line.
 * With `timeoutMs`, a run still going then is ended and says so.
 */
export async function cucumber(root: string, args: string[], env: Record<string, string>, timeoutMs?: number): Promise<{ failed?: FailedScenario; timedOut?: true }> {
  const child = spawn(process.execPath, [path.join(root, 'node_modules/@cucumber/cucumber/bin/cucumber.js'), '--fail-fast', '--format', 'summary', ...args], {
    cwd: root,
    // Only a failed scenario judges a mutant: the gate's rules over the run history (a scenario
    // slower than its median, flaky too often) judge timing across runs, and the runs before
    // this one were other mutants'. A mutant "killed" by a slow scenario was a false kill.
    env: { ...process.env, E2E_GATE_SLOWDOWN_FACTOR: '0', E2E_GATE_FLAKY_SHARE: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  let timedOut = false;
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), timeoutMs);
  const code = await exited(child);
  clearTimeout(timer);
  if (timedOut) return { timedOut: true };
  if (code === 0) return {};
  const results = readScenarioResults(path.join(root, 'reports', 'messages.ndjson'));
  const failed = results.scenarios.find((s) => s.status === 'failed' || s.status === 'ambiguous' || s.status === 'undefined');
  return { failed: { by: failed ? `${failed.uri}:${failed.line} ${failed.name}` : 'the run itself', error: failed?.error ?? stderr.trim().split('\n').slice(-3).join(' ') } };
}

export function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` holding HEAVY_LOCK (flock), when one is set. */
export async function withHeavyLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = heavyLock();
  await lock.take();
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

/** HEAVY_LOCK (flock) to take and release by hand, for work that spans several calls; nothing when unset. */
export function heavyLock() {
  const file = process.env.HEAVY_LOCK;
  let holder: ChildProcess | undefined;
  return {
    get held() {
      return holder !== undefined;
    },
    async take(): Promise<void> {
      if (!file || holder) return;
      // flock holds the lock for as long as `cat` runs, and `cat` runs until we close its input.
      const child = spawn('flock', [file, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`flock ${file} exited with ${code}`)));
      });
      holder = child;
    },
    async release(): Promise<void> {
      const child = holder;
      holder = undefined;
      if (!child) return;
      child.stdin!.end();
      await exited(child);
    },
  };
}
