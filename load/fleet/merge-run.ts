import { adminClient } from '../admin.ts';
import { LoadHttp, type HttpOptions } from '../engine/http.ts';
import { Recorder } from '../metrics/recorder.ts';
import type { LoadReport } from '../report/load-report.ts';
import { reportBase, writeReport } from '../report/write-report.ts';
import { threshold, verdict, type Scenario, type ScenarioOutcome } from '../scenario.ts';
import type { LoadTarget } from '../target.ts';
import { generatorLabel } from './generator-share.ts';
import { emptyStep, mergeMeasurements } from './merge-measurements.ts';
import { oneWholeRun, type NamedGeneratorFile } from './one-run.ts';

export type MergeOptions = {
  /** How far apart the generators' clocks may be (ms): order across generators is compared beyond it. */
  clockSkewMs: number;
  reportDir: string;
  /** For the judge's reads of the target (admin stats). */
  http: HttpOptions;
  log: (line: string) => void;
  /** CPU of the target's parts over the run, when whoever merges could read it (a managed target). */
  targetCpu?: { name: string; cpuMs: number; percentOfOneCore: number }[];
};

/**
 * The report of a run on several generators: their files, checked to be one whole run, merged
 * into one set of measurements, then the scenario's checks over every generator's fans and the
 * target's state, read now that every generator finished. Writes
 * reports/load/<scenario>[-smoke]-generators-<n>.{json,html} and returns the report.
 */
export async function mergeRun(given: NamedGeneratorFile[], scenarioOf: (name: string) => Scenario | undefined, target: LoadTarget, options: MergeOptions): Promise<LoadReport> {
  const named = oneWholeRun(given);
  const files = named.map((f) => f.content);
  const [first] = files;
  const scenario = scenarioOf(first.scenario);
  if (!scenario?.fleet) throw new Error(`the files are of ${first.scenario}, which has no checks over several generators in this checkout`);
  const n = files.length;
  const label = (i: number) => generatorLabel({ index: i - 1, of: n });
  const measured = mergeMeasurements(files);

  const http = new LoadHttp(new Recorder(), options.http);
  let outcome: ScenarioOutcome;
  let error: string | undefined;
  try {
    outcome = await scenario.fleet.judge({
      target,
      http,
      admin: adminClient(http, target),
      log: (line) => options.log(`${scenario.name} merge: ${line}`),
      smoke: first.variant === 'smoke',
      runId: first.runId,
      scale: first.options.scale,
      timeScale: first.options.timeScale,
      status: first.options.status,
      generators: n,
      step: (name) => measured.steps[name] ?? emptyStep(),
      distribution: (name) => measured.distributions[name],
      counter: (name) => measured.counters[name] ?? 0,
      phases: measured.phases,
      fans: files.map((f) => f.fans),
      clockSkewMs: options.clockSkewMs,
    });
  } catch (caught) {
    error = (caught as Error).message;
    outcome = { phases: measured.phases, figures: {}, thresholds: [], notes: [] };
  } finally {
    await http.close();
  }
  outcome.thresholds.push(threshold('scenario ran to the end', 'seed', error ? 0 : 1, '==', 1));
  const generatorFigures = Object.fromEntries(
    files.flatMap((f) => Object.entries(f.figures).map(([name, value]) => [n > 1 ? `${name} (generator ${label(f.generator.i)})` : name, value])),
  );
  const startedAt = Math.min(...files.map((f) => Date.parse(f.startedAt)));
  const endedAt = Math.max(...files.map((f) => Date.parse(f.endedAt)));
  const { hostname: _, ...machine } = first.machine;
  const requests = Object.values(measured.steps).reduce((sum, s) => sum + s.requests, 0);

  const report: LoadReport = {
    scenario: first.scenario,
    variant: first.variant,
    summary: scenario.summary,
    startedAt: new Date(startedAt).toISOString(),
    durationS: (endedAt - startedAt) / 1000,
    git: first.git,
    machine,
    target: { kind: first.target.kind, queueInstances: first.target.queueUrls.length, serviceEnv: {} },
    ...measured,
    cpu: [...measured.cpu, ...(options.targetCpu ?? []).map((c) => ({ ...c, microsPerRequest: Math.round((c.cpuMs * 1000) / Math.max(1, requests)) }))],
    phases: outcome.phases,
    figures: { ...outcome.figures, ...generatorFigures },
    thresholds: outcome.thresholds,
    notes: [...new Set(files.flatMap((f) => f.notes)), ...outcome.notes],
    passed: verdict(outcome.thresholds, first.options.gate),
    gate: first.options.gate,
    error,
    generators: named.map(({ path, content: f }) => ({
      generator: label(f.generator.i),
      hostname: f.machine.hostname,
      users: f.users,
      requests: Object.values(f.recorded.steps).reduce((sum, s) => sum + s.requests, 0),
      startedAt: f.startedAt,
      endedAt: f.endedAt,
      file: path,
    })),
  };
  const base = `${reportBase(options.reportDir, scenario, { smoke: first.variant === 'smoke', status: first.options.status })}-generators-${n}`;
  writeReport(report, base, options.log);
  return report;
}
