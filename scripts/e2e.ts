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
import { renderHtmlReport } from './report/html-report.ts';
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
for (const file of ['messages.ndjson', 'junit.xml', 'run.json']) rmSync(path.join(REPORTS, file), { force: true });
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
    startedAt: new Date(started).toISOString(),
  };
  let endpointEnv: Record<string, string>;
  if (external) {
    log(`running against an external target: core ${process.env.E2E_CORE_URL}, queue ${process.env.E2E_QUEUE_URLS}`);
    endpointEnv = {};
    meta.queueInstances = (process.env.E2E_QUEUE_URLS ?? '').split(',').filter(Boolean).length;
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
  log(`cucumber finished with exit code ${exitCode}`);

  await teardown();
  meta.wallTimeMs = Date.now() - started;
  meta.exitCode = exitCode;
  writeFileSync(path.join(REPORTS, 'run.json'), JSON.stringify(meta, null, 2));
  if (existsSync(path.join(REPORTS, 'json', 'cucumber.json'))) {
    const html = renderHtmlReport(REPORTS, meta);
    log(`HTML report: ${path.relative(ROOT, html)}`);
  } else {
    log('cucumber wrote no results; no HTML report');
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
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s, exit code ${exitCode}`);
process.exit(exitCode);
