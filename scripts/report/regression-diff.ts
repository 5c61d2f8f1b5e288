import type { ResultsFile } from './baseline.ts';
import type { RunResults, ScenarioResult, ScenarioStatus } from './scenario-results.ts';

export type StatusChange = { key: string; was: ScenarioStatus; now: ScenarioStatus; error?: string };
export type Slowdown = { key: string; baselineMs: number; currentMs: number };

export type RegressionDiff = {
  newlyFailing: StatusChange[];
  newlyPassing: StatusChange[];
  /** Ran now, absent from the baseline. */
  added: string[];
  /** In the baseline, gone from the features. */
  removed: string[];
  /** In the baseline and still in the features, but filtered out of this run. */
  notRun: string[];
  /** More than `factor` times and more than `minGrowthMs` slower than in the baseline. */
  slower: Slowdown[];
};

/** Statuses that fail a strict run. */
const failing = new Set<ScenarioStatus>(['failed', 'ambiguous', 'undefined', 'pending', 'unknown']);
export const isFailing = (status: ScenarioStatus) => failing.has(status);

export function diffAgainstBaseline(
  baseline: ResultsFile,
  current: RunResults,
  thresholds: { factor: number; minGrowthMs: number } = { factor: 2, minGrowthMs: 1_000 },
): RegressionDiff {
  const now = new Map<string, ScenarioResult>(current.scenarios.map((s) => [s.key, s]));
  const filteredOut = new Set(current.notRun);
  const diff: RegressionDiff = { newlyFailing: [], newlyPassing: [], added: [], removed: [], notRun: [], slower: [] };

  for (const scenario of current.scenarios) {
    const before = baseline.scenarios[scenario.key];
    if (!before) {
      diff.added.push(scenario.key);
      continue;
    }
    const change = { key: scenario.key, was: before.status, now: scenario.status };
    if (isFailing(scenario.status) && !isFailing(before.status)) diff.newlyFailing.push({ ...change, error: scenario.error });
    if (scenario.status === 'passed' && isFailing(before.status)) diff.newlyPassing.push(change);
    const growth = scenario.durationMs - before.durationMs;
    if (scenario.durationMs > thresholds.factor * before.durationMs && growth > thresholds.minGrowthMs) {
      diff.slower.push({ key: scenario.key, baselineMs: before.durationMs, currentMs: Math.round(scenario.durationMs) });
    }
  }
  for (const key of Object.keys(baseline.scenarios)) {
    if (now.has(key)) continue;
    (filteredOut.has(key) ? diff.notRun : diff.removed).push(key);
  }
  diff.slower.sort((a, b) => b.currentMs - b.baselineMs - (a.currentMs - a.baselineMs));
  return diff;
}
