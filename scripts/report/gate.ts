import type { ResultsFile } from './baseline.ts';
import { judgeDurations, slowReason, type DurationJudgement, type DurationThresholds } from './durations.ts';
import type { HistoryEntry } from './history.ts';
import { isFailing, type RegressionDiff } from './regression-diff.ts';
import type { RunResults } from './scenario-results.ts';

/** The gate's thresholds: environment variables, documented in docs/report.md and docs/operations.md. */
export type GateThresholds = DurationThresholds & {
  /** E2E_HISTORY_WINDOW: how many recent runs (this one included) the flaky share and the durations look at. */
  window: number;
  /** E2E_GATE_FLAKY_SHARE: a scenario flaky in more than this share of the window fails the run (1: never). */
  maxFlakyShare: number;
};

const settings = {
  window: { name: 'E2E_HISTORY_WINDOW', fallback: 20, valid: (n: number) => Number.isInteger(n) && n >= 1 },
  maxFlakyShare: { name: 'E2E_GATE_FLAKY_SHARE', fallback: 0.2, valid: (n: number) => n >= 0 && n <= 1 },
  minSamples: { name: 'E2E_GATE_MIN_SAMPLES', fallback: 5, valid: (n: number) => Number.isInteger(n) && n >= 1 },
  slowdownFactor: { name: 'E2E_GATE_SLOWDOWN_FACTOR', fallback: 2, valid: (n: number) => n === 0 || n > 1 },
  slowdownMinMs: { name: 'E2E_GATE_SLOWDOWN_MIN_MS', fallback: 1_000, valid: (n: number) => n >= 0 },
  slowdownMads: { name: 'E2E_GATE_SLOWDOWN_MADS', fallback: 5, valid: (n: number) => n >= 0 },
} as const;

/** The thresholds from the environment; a value that makes no sense is an error naming the variable. */
export function gateThresholds(env: NodeJS.ProcessEnv = process.env): GateThresholds {
  const read = (key: keyof typeof settings): number => {
    const { name, fallback, valid } = settings[key];
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || !valid(value)) throw new Error(`${name}=${raw} is not a valid setting (default ${fallback}; see docs/report.md)`);
    return value;
  };
  return {
    window: read('window'),
    maxFlakyShare: read('maxFlakyShare'),
    minSamples: read('minSamples'),
    slowdownFactor: read('slowdownFactor'),
    slowdownMinMs: read('slowdownMinMs'),
    slowdownMads: read('slowdownMads'),
  };
}

export type FlakyInWindow = { key: string; flakyRuns: number; share: number };

/** Everything the gate reads; it reads nothing else (no files, no environment). */
export type GateInput = {
  current: RunResults;
  /** This run's conditions: whether it was filtered, and its `run` as its history entry will hold it. */
  thisRun: Pick<HistoryEntry, 'partial' | 'run'>;
  /** The history before this run, oldest first. */
  earlier: HistoryEntry[];
  baseline?: ResultsFile;
  diff?: RegressionDiff;
};

export type GateVerdict = {
  passed: boolean;
  /** One line per reason the run fails, in the order: failures, flakiness, slowness. */
  reasons: string[];
  thresholds: GateThresholds;
  /** Runs the window holds (this one included): fewer than the window early in a history. */
  windowRuns: number;
  /** Every scenario flaky at least once in the window, most often first. */
  flaky: FlakyInWindow[];
  /** Every scenario slower than usual, those that fail the run first (durations.ts). */
  durations: DurationJudgement;
};

/**
 * Judges a finished run; a pure function of its input. It fails on:
 * - a failing scenario: "newly failing" when it did not fail in the baseline or is not in it (cucumber fails
 *   the run on any failure anyway; the reason says which kind it is, and in a merged run which shard ran it);
 * - a scenario flaky in more than maxFlakyShare of the last `window` runs, this one included
 *   (a shorter history counts its missing runs as not flaky, so one flaky run early on does
 *   not fail it);
 * - a scenario clearly slower than usual for runs like this one (durations.ts judgeDurations).
 */
export function judgeRun(input: GateInput, thresholds: GateThresholds): GateVerdict {
  const { current, thisRun, earlier, baseline, diff } = input;
  const inWindow = thresholds.window > 1 ? earlier.slice(-(thresholds.window - 1)) : [];
  const reasons: string[] = [];

  const newly = new Set(diff?.newlyFailing.map((change) => change.key));
  for (const s of current.scenarios.filter((s) => isFailing(s.status))) {
    const was = baseline?.scenarios[s.key]?.status;
    const named = s.shard ? `${s.key}, in shard ${s.shard}` : s.key;
    reasons.push(
      newly.has(s.key) || (baseline && !was)
        ? `newly failing: ${named} (${was ? `${was} in the baseline` : 'not in the baseline'}): ${s.error ?? s.status}`
        : `failing: ${named} (${was ? `${was} in the baseline too` : 'no baseline to compare with'}): ${s.error ?? s.status}`,
    );
  }

  const flaky: FlakyInWindow[] = [];
  for (const s of current.scenarios) {
    const flakyRuns = inWindow.filter((run) => run.scenarios[s.key]?.flaky).length + (s.flaky ? 1 : 0);
    if (flakyRuns) flaky.push({ key: s.key, flakyRuns, share: flakyRuns / thresholds.window });
  }
  flaky.sort((a, b) => b.flakyRuns - a.flakyRuns || a.key.localeCompare(b.key));
  for (const f of flaky.filter((f) => f.share > thresholds.maxFlakyShare)) {
    reasons.push(
      `too flaky: ${f.key} passed only on a retry in ${f.flakyRuns} of the last ${thresholds.window} runs ` +
        `(${percent(f.share)} > E2E_GATE_FLAKY_SHARE ${percent(thresholds.maxFlakyShare)})`,
    );
  }

  const durations = judgeDurations(current.scenarios, thisRun, earlier, baseline, thresholds);
  for (const slow of durations.slow.filter((s) => !s.notJudged)) reasons.push(slowReason(slow, durations, thresholds));
  if (current.scenarios.length === 0) reasons.push('no scenario ran');

  return { passed: reasons.length === 0, reasons, thresholds, windowRuns: inWindow.length + 1, flaky, durations };
}

export const percent = (share: number) => `${Math.round(share * 100)} %`;
