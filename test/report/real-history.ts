import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HistoryEntry } from '../../scripts/report/history.ts';
import type { RunResults, ScenarioResult, ScenarioStatus } from '../../scripts/report/scenario-results.ts';

/** test/fixtures/real-history/history.json, written by extract.ts beside it. */
type Fixture = {
  source: string;
  run: Omit<HistoryEntry['run'], 'startedAt'>;
  keys: string[];
  tags: Record<string, string[]>;
  /** Per key: [duration, start after the run's first scenario] when passed (then 'flaky' if only on a retry), else the status. */
  runs: { startedAt: string; results: ([number, number] | [number, number, 'flaky'] | ScenarioStatus | 'not run')[] }[];
};

export type RealRun = { entry: HistoryEntry; results: RunResults };

/** The real runs of the fixture, oldest first: each as its history entry and as the results a run's gate judges. */
export function realHistory(): { source: string; runs: RealRun[]; tags: Record<string, string[]> } {
  const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, '../fixtures/real-history/history.json'), 'utf8')) as Fixture;
  const runs = fixture.runs.map(({ startedAt, results }): RealRun => {
    const scenarios: ScenarioResult[] = [];
    results.forEach((result, i) => {
      if (result === 'not run') return;
      const key = fixture.keys[i];
      const [durationMs, startMs, status, flaky] = Array.isArray(result) ? [result[0], result[1], 'passed' as const, result[2] === 'flaky'] : [0, 0, result, false];
      const startedAtMs = Date.parse(startedAt) + startMs;
      scenarios.push({
        key,
        uri: key.split(': ')[0],
        feature: key.split(': ')[0],
        name: key.split(': ').slice(1).join(': '),
        tags: fixture.tags[key] ?? [],
        status,
        attempts: flaky ? 2 : 1,
        flaky,
        durationMs,
        startedAtMs,
        finishedAtMs: startedAtMs + durationMs,
        retriedErrors: [],
      });
    });
    const entry: HistoryEntry = {
      schema: 1,
      commit: 'real',
      branch: 'soak',
      createdAt: startedAt,
      partial: false,
      scenarios: Object.fromEntries(scenarios.map((s) => [s.key, { status: s.status, durationMs: s.durationMs, flaky: s.flaky }])),
      run: { ...fixture.run, startedAt },
      gate: { passed: true, reasons: [] },
    };
    return { entry, results: { scenarios, notRun: [], durationMs: 0, success: scenarios.every((s) => s.status === 'passed' || s.status === 'skipped') } };
  });
  return { source: fixture.source, runs, tags: fixture.tags };
}

/** The same run with `extraMs` added to one scenario's duration: it ends that much later. */
export function withSlowdown(run: RunResults, key: string, extraMs: number): RunResults {
  const scenario = run.scenarios.find((s) => s.key === key);
  if (!scenario) throw new Error(`no scenario ${key} in the run`);
  return {
    ...run,
    scenarios: run.scenarios.map((s) => (s === scenario ? { ...s, durationMs: s.durationMs + extraMs, finishedAtMs: s.finishedAtMs + extraMs } : s)),
  };
}
