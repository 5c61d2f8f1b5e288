import type { ResultsFile } from '../../scripts/report/baseline.ts';
import type { HistoryEntry } from '../../scripts/report/history.ts';
import type { RunResults, ScenarioResult, ScenarioStatus } from '../../scripts/report/scenario-results.ts';

/** A scenario's status, duration (ms) and whether it passed only on a retry. */
export type Outcome = [ScenarioStatus, number, boolean?];

/** A results file (a baseline, or the core of a history entry) with these outcomes. */
export function resultsFile(scenarios: Record<string, Outcome>): ResultsFile {
  return {
    schema: 1,
    commit: 'c',
    branch: 'main',
    createdAt: '2026-01-01T00:00:00Z',
    partial: false,
    scenarios: Object.fromEntries(Object.entries(scenarios).map(([key, [status, durationMs, flaky]]) => [key, { status, durationMs, flaky: flaky ?? false }])),
  };
}

/** The conditions every made-up run shares, unless told otherwise (scripts/report/comparable-runs.ts). */
export const RUN = { node: 'v24.22.3', target: 'containers', system: 'containers', runnerClass: 'test machine', workers: 2 } as const;

/** Earlier runs with these outcomes, oldest first, one a minute from 2026-01-01, under `conditions`. */
export function madeUpHistory(runs: Record<string, Outcome>[], conditions: Partial<HistoryEntry['run']> = {}): HistoryEntry[] {
  return runs.map((scenarios, i) => ({
    ...resultsFile(scenarios),
    run: { ...RUN, startedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), ...conditions },
    gate: { passed: true, reasons: [] },
  }));
}

/** A finished run with these outcomes; a failed scenario's error is "boom". */
export function runResults(scenarios: Record<string, Outcome>, notRun: string[] = [], tags: Record<string, string[]> = {}): RunResults {
  return {
    scenarios: Object.entries(scenarios).map(
      ([key, [status, durationMs, flaky]]): ScenarioResult => ({
        key,
        uri: 'features/x.feature',
        feature: 'X',
        name: key,
        tags: tags[key] ?? [],
        status,
        attempts: flaky ? 2 : 1,
        flaky: flaky ?? false,
        durationMs,
        startedAtMs: 0,
        finishedAtMs: durationMs,
        error: status === 'failed' ? 'boom' : undefined,
        retriedErrors: [],
      }),
    ),
    notRun,
    durationMs: 0,
    success: true,
  };
}
