import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { gitInfo } from '../environment/run-metadata.ts';
import { adminClient } from './admin.ts';
import { LoadHttp, type HttpOptions } from './engine/http.ts';
import { WHOLE, type Share } from './engine/open-model.ts';
import { startTicker } from './engine/ticker.ts';
import { GENERATOR_FORMAT, generatorFilePath, writeGeneratorFile, type GeneratorFile } from './fleet/generator-file.ts';
import { generatorLabel } from './fleet/generator-share.ts';
import { containerCpuMs, cpuMeter, generatorCpuMs, processCpuMs } from './metrics/cpu.ts';
import { Recorder, wallClockMs } from './metrics/recorder.ts';
import type { LoadReport } from './report/load-report.ts';
import { machineOf, reportBase, writeReport } from './report/write-report.ts';
import { sleep, threshold, verdict, type Scenario, type ScenarioContext, type ScenarioOutcome, type StatusWay } from './scenario.ts';
import type { LoadTarget } from './target.ts';

export type RunOptions = {
  /** 'b' when this run measures variant B on its own: its report files end in -b. */
  variantLabel?: string;
  smoke: boolean;
  scale: number;
  timeScale: number;
  status: StatusWay;
  /** --shards: the shards entry-scale's and sale-opening's concert is spread over (1: one slot). */
  shards: number;
  gate: 'seed' | 'targets';
  http: HttpOptions;
  reportDir: string;
  log: (line: string) => void;
};

/** One generator of a run on several (`--generator i/n`). */
export type GeneratorOptions = RunOptions & {
  share: Share;
  /** When every generator's timeline begins (wall clock, ms since the epoch). */
  startAtMs: number;
};

/** A generator may reach the start line this late and still keep the shared timeline. */
const START_LINE_GRACE_MS = 1000;

/**
 * Runs one scenario against a target: live progress, CPU of generator and services, then the
 * report as console tables, JSON and HTML (reports/load/<scenario>[-smoke].{json,html}).
 */
export async function runScenario(scenario: Scenario, target: LoadTarget, options: RunOptions): Promise<LoadReport> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const run = await measure(scenario, target, options, { runId, share: WHOLE, startLine: async () => undefined }, (ctx) => scenario.run(ctx));
  const { recorder, meters } = run;
  const outcome: ScenarioOutcome = run.result ?? { phases: {}, figures: {}, thresholds: [], notes: [] };
  outcome.thresholds.push(threshold('scenario ran to the end', 'seed', run.error ? 0 : 1, '==', 1));

  const report: LoadReport = {
    scenario: scenario.name,
    variant: options.smoke ? 'smoke' : 'full',
    summary: scenario.summary,
    startedAt: run.startedAt.toISOString(),
    durationS: recorder.elapsedMs() / 1000,
    git: gitInfo(),
    machine: machineOf(),
    target: { kind: target.kind, queueInstances: target.queueUrls.length, serviceEnv: target.serviceEnv, shards: options.shards, redisCluster: target.redisCluster },
    cpu: meters.map((m) => {
      const total = m.meter.total();
      return { name: m.name, ...total, microsPerRequest: Math.round((total.cpuMs * 1000) / Math.max(1, recorder.totalRequests())) };
    }),
    phases: outcome.phases,
    steps: Object.fromEntries(recorder.stepNames().map((s) => [s, recorder.stepSummary(s)])),
    errorsByCode: recorder.errorsByCode(),
    counters: recorder.counterValues(),
    distributions: Object.fromEntries(
      recorder.distributionNames().map((d) => [d, recorder.distribution(d)!]),
    ),
    figures: outcome.figures,
    thresholds: outcome.thresholds,
    notes: outcome.notes,
    passed: verdict(outcome.thresholds, options.gate),
    gate: options.gate,
    error: run.error,
    series: {
      ...(({ t, series }) => ({ t, probes: series }))(recorder.probeSeries()),
      steps: Object.fromEntries(recorder.stepNames().map((s) => [s, recorder.stepSeries(s)])),
    },
  };
  writeReport(report, reportBase(options.reportDir, scenario, options), options.log);
  return report;
}

/**
 * One generator of a run on several: its share of the scenario's arrivals and users from the
 * start line on, no checks of the target (the merge runs them over every generator's fans);
 * writes reports/load/generators/<scenario>[-smoke]-<i>-of-<n>.json and returns its path.
 */
export async function runGenerator(scenario: Scenario, target: LoadTarget, options: GeneratorOptions): Promise<{ file: string; content: GeneratorFile }> {
  const fleet = scenario.fleet;
  if (!fleet) throw new Error(`${scenario.name} runs on one generator only: it has no checks to run over several generators' fans`);
  const { share, startAtMs } = options;
  // This process's CPU from the start line on: its start-up and the wait before are not the run's.
  let cpu = cpuMeter(generatorCpuMs);
  const startLine = async () => {
    const wait = startAtMs - wallClockMs();
    if (wait < -START_LINE_GRACE_MS) {
      throw new Error(`reached the start line ${Math.round(-wait)} ms after --start-at: give the generators more time to start and set the stage`);
    }
    if (wait > 0) {
      options.log(`generator ${generatorLabel(share)}: stage set, starting in ${(wait / 1000).toFixed(1)} s at ${new Date(startAtMs).toISOString()}`);
      await sleep(wait);
    }
    cpu = cpuMeter(generatorCpuMs);
  };
  // The run id follows from the start line, so every generator of one run has the same one.
  const runId = `g${startAtMs.toString(36)}`;
  const run = await measure(scenario, target, options, { runId, share, startLine, alignToMs: startAtMs }, (ctx) => fleet.drive(ctx));
  const generator = cpu.total();
  const content: GeneratorFile = {
    format: GENERATOR_FORMAT,
    scenario: scenario.name,
    variant: options.smoke ? 'smoke' : 'full',
    generator: { i: share.index + 1, n: share.of },
    runId,
    startLine: new Date(startAtMs).toISOString(),
    rateShare: 1 / share.of,
    users: run.result?.users ?? { first: 0, count: 0 },
    options: { scale: options.scale, timeScale: options.timeScale, status: options.status, gate: options.gate },
    http: options.http,
    git: gitInfo(),
    machine: { hostname: os.hostname(), ...machineOf() },
    target: { kind: target.kind, coreUrl: target.coreUrl, queueUrls: target.queueUrls },
    startedAt: run.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    recorded: run.recorder.snapshot(),
    phases: run.result?.phases ?? {},
    figures: run.result?.figures ?? {},
    notes: run.result?.notes ?? [],
    cpu: { ...generator, microsPerRequest: Math.round((generator.cpuMs * 1000) / Math.max(1, run.recorder.totalRequests())) },
    fans: run.result?.fans ?? null,
    error: run.error,
  };
  const file = generatorFilePath(options.reportDir, content);
  writeGeneratorFile(file, content);
  options.log(`generator ${generatorLabel(share)}: ${run.recorder.totalRequests()} requests, ${run.recorder.totalErrors()} errors${run.error ? `, stopped early: ${run.error}` : ''}; wrote ${path.relative(process.cwd(), file)}`);
  return { file, content };
}

/**
 * What every run does around the scenario: a recorder, the HTTP client, CPU meters of the
 * generator and of the target's local processes, the ticker with its progress line.
 */
async function measure<T>(
  scenario: Scenario,
  target: LoadTarget,
  options: RunOptions,
  run: Pick<ScenarioContext, 'runId' | 'share' | 'startLine'> & { alignToMs?: number },
  act: (ctx: ScenarioContext) => Promise<T>,
) {
  const recorder = new Recorder({ keepSeconds: run.alignToMs !== undefined });
  const http = new LoadHttp(recorder, options.http);
  const startedAt = new Date();
  const meters = [
    { name: 'generator', meter: cpuMeter(generatorCpuMs) },
    ...target.processes.map((p) => ({ name: p.name, meter: cpuMeter(() => processCpuMs(p.pid)) })),
    ...target.containers.map((c) => ({ name: c.name, meter: cpuMeter(() => containerCpuMs(c.id)) })),
  ];
  for (const m of meters) recorder.probe(`${m.name} CPU %`, () => m.meter.sincePrevious());

  let shown: string[] = [];
  let lastRequests = 0;
  recorder.probe('requests/s', () => {
    const n = recorder.totalRequests();
    if (n < lastRequests) lastRequests = 0; // a scenario's reset after its warm-up restarts the count
    const rate = n - lastRequests;
    lastRequests = n;
    return rate;
  });
  const label = run.share.of > 1 ? `${scenario.name} ${generatorLabel(run.share)}` : scenario.name;
  const ticker = startTicker(
    recorder,
    label,
    () => {
      const target_ = recorder.lastProbe('target rate');
      const started = recorder.lastProbe('started/s');
      const p95 = shown.map((s) => `${s} p95 ${recorder.p95SoFar(s).toFixed(1)} ms`).join(', ');
      return [
        Number.isFinite(target_) ? `target ${Math.round(target_)}/s achieved ${Math.round(started)}/s` : '',
        `${recorder.lastProbe('requests/s')} req/s`,
        `in flight ${recorder.lastProbe('in flight') || 0}`,
        `dropped ${recorder.lastProbe('dropped/s') || 0}/s`,
        p95,
        `errors ${recorder.totalErrors()}`,
        `cpu gen ${recorder.lastProbe('generator CPU %')}%`,
      ]
        .filter(Boolean)
        .join(' | ');
    },
    run.alignToMs,
  );

  let result: T | undefined;
  let error: string | undefined;
  try {
    result = await act({
      target,
      http,
      admin: adminClient(http, target),
      recorder,
      log: (line) => options.log(`${label}: ${line}`),
      smoke: options.smoke,
      runId: run.runId,
      share: run.share,
      startLine: run.startLine,
      scale: options.scale,
      timeScale: options.timeScale,
      status: options.status,
      shards: options.shards,
      showSteps: (...steps) => (shown = steps),
    });
  } catch (caught) {
    error = (caught as Error).message;
  } finally {
    ticker.stop();
    await http.close();
  }
  return { result, error, recorder, meters, startedAt };
}
