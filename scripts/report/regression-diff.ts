import type { ResultsFile } from './baseline.ts';
import type { RunResults, ScenarioResult, ScenarioStatus } from './scenario-results.ts';

export type StatusChange = { key: string; was: ScenarioStatus; now: ScenarioStatus; error?: string };

export type RegressionDiff = {
  newlyFailing: StatusChange[];
  newlyPassing: StatusChange[];
  /** Ran now, absent from the baseline. */
  added: string[];
  /** In the baseline, gone from the features. */
  removed: string[];
  /** In the baseline and still in the features, but filtered out of this run. */
  notRun: string[];
};

/** Statuses that fail a strict run. */
const failing = new Set<ScenarioStatus>(['failed', 'ambiguous', 'undefined', 'pending', 'unknown']);
export const isFailing = (status: ScenarioStatus) => failing.has(status);

/** Status changes against the baseline; durations are judged against the history (gate.ts). */
export function diffAgainstBaseline(baseline: ResultsFile, current: RunResults): RegressionDiff {
  const now = new Map<string, ScenarioResult>(current.scenarios.map((s) => [s.key, s]));
  const filteredOut = new Set(current.notRun);
  const diff: RegressionDiff = { newlyFailing: [], newlyPassing: [], added: [], removed: [], notRun: [] };

  for (const scenario of current.scenarios) {
    const before = baseline.scenarios[scenario.key];
    if (!before) {
      diff.added.push(scenario.key);
      continue;
    }
    const change = { key: scenario.key, was: before.status, now: scenario.status };
    if (isFailing(scenario.status) && !isFailing(before.status)) diff.newlyFailing.push({ ...change, error: scenario.error });
    if (scenario.status === 'passed' && isFailing(before.status)) diff.newlyPassing.push(change);
  }
  for (const key of Object.keys(baseline.scenarios)) {
    if (now.has(key)) continue;
    (filteredOut.has(key) ? diff.notRun : diff.removed).push(key);
  }
  return diff;
}
