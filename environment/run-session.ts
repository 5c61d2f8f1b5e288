/**
 * One run of the suite, as cucumber's coordinator sees it. Before the first scenario it starts
 * the managed target (Redis Cluster, PostgreSQL, the reference system) or checks the E2E_*
 * description of an external one, and serves it to the workers; after the last scenario it
 * tears everything down. Ctrl-C or SIGTERM in between tears down too, then exits.
 *
 * Started by support/hooks/system-under-test.ts; the reports are rendered afterwards by
 * scripts/e2e/report-formatter.ts, which reads this run's metadata and secrets from here.
 */
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveTarget, serveUnavailable, stopServingTarget, type SystemUnderTest } from './system-under-test.ts';
import { captureContainerLogs } from './container-logs.ts';
import { startManagedTarget } from './managed-target.ts';
import { runTeardowns } from './teardown.ts';
import { gitInfo, runnerClass, type RunMetadata } from './run-metadata.ts';
import { shardLabel, shardOfThisRun } from './cucumber-shard.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** Where this run writes its reports: reports/, or E2E_REPORTS_DIR (cucumber.js reads it too). */
export const REPORTS = path.resolve(process.env.E2E_REPORTS_DIR || path.join(ROOT, 'reports'));

export type Session = {
  startedAt: number;
  meta: RunMetadata;
  /** Values that must never appear in logs or reports (scripts/secret-scan.ts). */
  secrets: { name: string; value: string }[];
};

let session: Session | undefined;

export const log = (line: string) => process.stderr.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** The run in progress or just finished in this process; undefined in a dry run. */
export function currentSession(): Session | undefined {
  return session;
}

export async function startSession(): Promise<void> {
  // From the start of this process, so "wall time" is what the person running it waited.
  const startedAt = Math.round(performance.timeOrigin);
  const external = process.env.E2E_TARGET === 'external';
  const meta: RunMetadata = {
    ...gitInfo(),
    node: process.version,
    runnerClass: runnerClass(),
    target: external ? 'external' : 'containers',
    queueInstances: 0,
    workers: Number(process.env.E2E_WORKERS ?? 2),
    cucumberArgs: process.argv.slice(2),
    startedAt: new Date(startedAt).toISOString(),
  };
  session = { startedAt, meta, secrets: [] };
  clearEarlierOutputs();
  listenForInterrupts();
  try {
    meta.shard = await shardOfThisRun();
    if (meta.shard) {
      meta.host = process.env.RUNNER_NAME || os.hostname();
      log(`shard ${shardLabel(meta.shard)}: this run's output goes to ${path.relative(process.cwd(), path.join(REPORTS, 'shards'))}/, merged by npm run report:merge`);
    }
    serveTarget(external ? describeExternalTarget(meta) : await startManaged(meta, session.secrets));
  } catch (error) {
    serveUnavailable((error as Error).message.split('\n')[0]);
    throw error;
  }
}

export async function endSession(): Promise<void> {
  stopServingTarget();
  if (session?.meta.target === 'containers') {
    // Written before teardown removes the containers: a failed run's artifact must still have them.
    await captureContainerLogs(path.join(REPORTS, 'logs')).then(
      (count) => {
        const logs = path.relative(process.cwd(), path.join(REPORTS, 'logs'));
        log(`${count} container logs in ${logs}/containers/, their list in ${logs}/docker-ps.txt`);
      },
      (error) => log(`container logs not captured: ${(error as Error).message}`),
    );
    log('tearing down the reference system and containers');
  }
  await runTeardowns();
  stopListeningForInterrupts();
}

/**
 * Outputs of an earlier run that this one would not overwrite. The formatters' own files
 * (messages.ndjson, junit.xml, json/) are already open for this run and stay.
 */
function clearEarlierOutputs(): void {
  for (const dir of ['html', 'logs']) rmSync(path.join(REPORTS, dir), { recursive: true, force: true });
  for (const file of ['run.json', 'results.json', 'summary.md']) rmSync(path.join(REPORTS, file), { force: true });
  mkdirSync(path.join(REPORTS, 'logs'), { recursive: true });
}

async function startManaged(meta: RunMetadata, secrets: Session['secrets']): Promise<SystemUnderTest> {
  const managed = await startManagedTarget(log, path.join(REPORTS, 'logs'));
  Object.assign(meta, {
    redisImage: managed.info.redisImage,
    postgresImage: managed.info.postgresImage,
    postgresVersion: managed.info.postgresVersion,
    cluster: managed.info.cluster,
    queueInstances: managed.target.queueUrls.length,
    system: managed.system,
    serviceImages: managed.images,
  });
  secrets.push(...managed.secrets);
  log(`${managed.target.queueUrls.length} queue instances, core, payment gateway stub ready (${managed.system === 'containers' ? 'in containers' : 'child processes'})`);
  return managed.target;
}

/** An already-running deployment (staging) described by E2E_* variables; nothing is started. */
function describeExternalTarget(meta: RunMetadata): SystemUnderTest {
  const env = process.env;
  const missing = ['E2E_CORE_URL', 'E2E_QUEUE_URLS', 'E2E_ADMIN_TOKEN'].filter((name) => !env[name]);
  if (missing.length) {
    throw new Error(`E2E_TARGET=external needs ${missing.join(', ')} (and optionally E2E_GATEWAY_URL, E2E_DATABASE_URL); see docs/report.md`);
  }
  const described: SystemUnderTest = {
    managed: false,
    coreUrl: env.E2E_CORE_URL!,
    queueUrls: env.E2E_QUEUE_URLS!.split(',').filter(Boolean),
    gatewayUrl: env.E2E_GATEWAY_URL ?? '',
    adminToken: env.E2E_ADMIN_TOKEN!,
    databaseUrl: env.E2E_DATABASE_URL ?? '',
    logDir: env.E2E_LOG_DIR ?? '',
    // A fault-injection server of the runner's own (npm run mutation serves one for its services).
    infraUrl: env.E2E_INFRA_URL ?? '',
    infraToken: env.E2E_INFRA_TOKEN ?? '',
    networkFaults: false,
  };
  log(`running against an external target: core ${withoutCredentials(described.coreUrl)}, ${described.queueUrls.length} queue URL(s); starting no containers`);
  if (!described.gatewayUrl) log('E2E_GATEWAY_URL is not set: @gateway-control scenarios will skip themselves');
  if (!described.databaseUrl) log('E2E_DATABASE_URL is not set: @database scenarios will skip themselves');
  if (!described.infraUrl) log('@infra scenarios will skip themselves: the suite does not steer an external target');
  meta.queueInstances = described.queueUrls.length;
  meta.coreUrl = withoutCredentials(described.coreUrl);
  return described;
}

/** run.json and the report are shared; a URL with user:password in it must not leak there. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

const interruptHandlers = new Map<NodeJS.Signals, () => void>();

/** Ctrl-C (SIGINT) or SIGTERM: remove what this run started, then exit as the signal asks. */
function listenForInterrupts(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const handler = () => {
      log(`${signal} received: tearing down, then exiting`);
      void runTeardowns().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    interruptHandlers.set(signal, handler);
    process.on(signal, handler);
  }
}

function stopListeningForInterrupts(): void {
  for (const [signal, handler] of interruptHandlers) process.off(signal, handler);
  interruptHandlers.clear();
}
