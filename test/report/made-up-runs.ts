import type { ResultsFile } from '../../scripts/report/baseline.ts';
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

/** A finished run with these outcomes; a failed scenario's error is "boom". */
export function runResults(scenarios: Record<string, Outcome>, notRun: string[] = []): RunResults {
  return {
    scenarios: Object.entries(scenarios).map(
      ([key, [status, durationMs, flaky]]): ScenarioResult => ({
        key,
        uri: 'features/x.feature',
        feature: 'X',
        name: key,
        tags: [],
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
