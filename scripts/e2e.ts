/**
 * `npm run e2e [-- cucumber args]`: starts Redis Cluster + PostgreSQL once, starts the reference
 * system against them, runs cucumber (parallel workers get endpoints through E2E_* variables),
 * renders the reports, and tears everything down on success, failure, Ctrl-C or SIGTERM.
 *
 * With E2E_TARGET=external it starts nothing and runs against the E2E_* URLs given (staging).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { renderReports } from './report/render-reports.ts';
import { gitInfo, type RunMetadata } from './report/run-metadata.ts';
import { startManagedTarget, type ManagedTarget } from './managed-target.ts';
import { runTeardowns } from '../support/environment/teardown.ts';
import { scanForSecrets } from './secret-scan.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const REPORTS = path.join(ROOT, 'reports');
const log = (line: string) => console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${line}`);

const cucumberArgs = process.argv.slice(2);
const external = process.env.E2E_TARGET === 'external';
const workers = Number(process.env.E2E_WORKERS ?? 2);
const started = Date.now();

// Fresh output each run; README and the committed baseline stay.
for (const dir of ['json', 'html', 'logs']) rmSync(path.join(REPORTS, dir), { recursive: true, force: true });
for (const file of ['messages.ndjson', 'junit.xml', 'run.json', 'results.json', 'summary.md']) {
  rmSync(path.join(REPORTS, file), { force: true });
}
mkdirSync(path.join(REPORTS, 'json'), { recursive: true });

let managed: ManagedTarget | undefined;
const teardown = async () => {
  log('tearing down the reference system and containers');
  await runTeardowns();
};

let interrupted = false;
let cucumberChild: ReturnType<typeof spawn> | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (!interrupted) log(`${signal} received, stopping`);
    interrupted = true;
    cucumberChild?.kill(signal);
    await teardown();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

let exitCode = 1;
try {
  const meta: RunMetadata = {
    ...gitInfo(),
    node: process.version,
    target: external ? 'external' : 'containers',
    queueInstances: 0,
    workers,
    cucumberArgs,
    startedAt: new Date(started).toISOString(),
  };
  let endpointEnv: Record<string, string>;
  if (external) {
    assertExternalTargetConfigured();
    log(`running against an external target: core ${process.env.E2E_CORE_URL}, queue ${process.env.E2E_QUEUE_URLS}; starting no containers`);
    for (const [name, what] of [
      ['E2E_GATEWAY_URL', '@gateway-control'],
      ['E2E_DATABASE_URL', '@database'],
    ]) {
      if (!process.env[name]) log(`${name} is not set: ${what} scenarios will skip themselves`);
    }
    log('@infra scenarios will skip themselves: the suite does not steer an external target');
    endpointEnv = {};
    meta.queueInstances = (process.env.E2E_QUEUE_URLS ?? '').split(',').filter(Boolean).length;
    meta.coreUrl = withoutCredentials(process.env.E2E_CORE_URL!);
  } else {
    managed = await startManagedTarget(log, path.join(REPORTS, 'logs'));
    endpointEnv = managed.env;
    Object.assign(meta, {
      redisImage: managed.info.redisImage,
      postgresImage: managed.info.postgresImage,
      postgresVersion: managed.info.postgresVersion,
      cluster: managed.info.cluster,
      queueInstances: managed.queueInstances,
    });
  }

  log(`running cucumber with ${workers} worker(s) ${cucumberArgs.join(' ')}`);
  const cucumberStarted = Date.now();
  exitCode = await new Promise<number>((resolve) => {
    cucumberChild = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'node_modules/@cucumber/cucumber/bin/cucumber.js'), ...cucumberArgs],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, ...endpointEnv, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim() },
      },
    );
    cucumberChild.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  log(`cucumber finished with exit code ${exitCode} in ${((Date.now() - cucumberStarted) / 1000).toFixed(1)} s`);

  await teardown();
  meta.wallTimeMs = Date.now() - started;
  meta.exitCode = exitCode;
  writeFileSync(path.join(REPORTS, 'run.json'), JSON.stringify(meta, null, 2));
  if (existsSync(path.join(REPORTS, 'messages.ndjson'))) {
    try {
      const rendered = renderReports(REPORTS);
      log(`summary: ${path.relative(ROOT, rendered.summaryPath)}; HTML report: ${rendered.htmlPath ? path.relative(ROOT, rendered.htmlPath) : 'none'}`);
    } catch (error) {
      // A gate whose report is broken must not look green.
      log(`rendering the reports failed: ${(error as Error).stack}`);
      exitCode ||= 1;
    }
  } else {
    log('cucumber wrote no results; no reports');
    exitCode ||= 1;
  }
  // Reports and logs are shared as CI artefacts: a leaked admin token or queue token fails the run.
  const leaks = managed ? scanForSecrets(REPORTS, managed.secrets) : [];
  for (const leak of leaks) log(`SECRET IN OUTPUT: ${leak.what} in ${path.relative(ROOT, leak.file)}:${leak.line}`);
  if (leaks.length) exitCode ||= 1;
} catch (error) {
  console.error(`\n[e2e] ${(error as Error).message}\n`);
  exitCode = exitCode || 1;
  await teardown();
}
/** The URLs and admin token an external target (staging) needs; fails with what is missing. */
function assertExternalTargetConfigured(): void {
  const missing = ['E2E_CORE_URL', 'E2E_QUEUE_URLS', 'E2E_ADMIN_TOKEN'].filter((name) => !process.env[name]);
  if (missing.length) {
    throw new Error(
      `E2E_TARGET=external needs ${missing.join(', ')} (and optionally E2E_GATEWAY_URL, E2E_DATABASE_URL); see docs/report.md`,
    );
  }
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

log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s, exit code ${exitCode}`);
process.exit(exitCode);
