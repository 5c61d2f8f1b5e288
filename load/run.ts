import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { gitInfo } from '../environment/run-metadata.ts';
import { adminClient } from './admin.ts';
import { LoadHttp, type HttpOptions } from './engine/http.ts';
import { startTicker } from './engine/ticker.ts';
import { containerCpuMs, cpuMeter, generatorCpuMs, processCpuMs } from './metrics/cpu.ts';
import { Recorder } from './metrics/recorder.ts';
import { printReport } from './report/console-report.ts';
import { renderLoadHtml } from './report/html-report.ts';
import type { LoadReport } from './report/load-report.ts';
import { threshold, type Scenario, type ScenarioOutcome, type StatusWay } from './scenario.ts';
import type { LoadTarget } from './target.ts';

export type RunOptions = {
  /** 'b' when this run measures variant B on its own: its report files end in -b. */
  variantLabel?: string;
  smoke: boolean;
  scale: number;
  timeScale: number;
  status: StatusWay;
  shards: number;
  gate: 'seed' | 'targets';
  http: HttpOptions;
  reportDir: string;
  log: (line: string) => void;
};

/**
 * Runs one scenario against a target: live progress, CPU of generator and services, then the
 * report as console tables, JSON and HTML (reports/load/<scenario>[-smoke].{json,html}).
 */
export async function runScenario(scenario: Scenario, target: LoadTarget, options: RunOptions): Promise<LoadReport> {
  const recorder = new Recorder();
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
  const ticker = startTicker(recorder, scenario.name, () => {
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
  });

  let outcome: ScenarioOutcome;
  let error: string | undefined;
  try {
    outcome = await scenario.run({
      target,
      http,
      admin: adminClient(http, target),
      recorder,
      log: (line) => options.log(`${scenario.name}: ${line}`),
      smoke: options.smoke,
      runId: `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
      scale: options.scale,
      timeScale: options.timeScale,
      status: options.status,
      shards: options.shards,
      showSteps: (...steps) => (shown = steps),
    });
  } catch (caught) {
    error = (caught as Error).message;
    outcome = { phases: {}, figures: {}, thresholds: [], notes: [] };
  } finally {
    ticker.stop();
    await http.close();
  }
  outcome.thresholds.push(threshold('scenario ran to the end', 'seed', error ? 0 : 1, '==', 1));

  const gated = outcome.thresholds.filter((t) => options.gate === 'targets' || t.level === 'seed');
  const report: LoadReport = {
    scenario: scenario.name,
    variant: options.smoke ? 'smoke' : 'full',
    summary: scenario.summary,
    startedAt: startedAt.toISOString(),
    durationS: recorder.elapsedMs() / 1000,
    git: gitInfo(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
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
    passed: gated.every((t) => t.pass),
    gate: options.gate,
    error,
    series: {
      ...(({ t, series }) => ({ t, probes: series }))(recorder.probeSeries()),
      steps: Object.fromEntries(recorder.stepNames().map((s) => [s, recorder.stepSeries(s)])),
    },
  };

  mkdirSync(options.reportDir, { recursive: true });
  const base = path.join(
    options.reportDir,
    `${scenario.name}${options.smoke ? '-smoke' : ''}${scenario.followsStatus && options.status === 'stream' ? '-stream' : ''}${options.shards > 1 ? `-shards${options.shards}` : ''}${options.variantLabel ? `-${options.variantLabel}` : ''}`,
  );
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2));
  writeFileSync(`${base}.html`, renderLoadHtml(report));
  printReport(report);
  options.log(`report: ${path.relative(process.cwd(), base)}.{json,html}`);
  return report;
}
