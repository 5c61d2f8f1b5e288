import type { ResultsFile } from './baseline.ts';
import type { HistoryEntry } from './history.ts';
import { isFailing, type RegressionDiff } from './regression-diff.ts';
import type { RunResults } from './scenario-results.ts';

/** The gate's thresholds: environment variables, documented in docs/report.md and docs/operations.md. */
export type GateThresholds = {
  /** E2E_HISTORY_WINDOW: how many recent runs (this one included) the flaky share and the duration median look at. */
  window: number;
  /** E2E_GATE_FLAKY_SHARE: a scenario flaky in more than this share of the window fails the run (1: never). */
  maxFlakyShare: number;
  /** E2E_GATE_SLOWDOWN_FACTOR: a scenario more than this many times its usual duration fails the run (0: never)... */
  slowdownFactor: number;
  /** E2E_GATE_SLOWDOWN_MIN_MS: ...when it also grew by more than this. */
  slowdownMinMs: number;
};

const settings = {
  window: { name: 'E2E_HISTORY_WINDOW', fallback: 20, valid: (n: number) => Number.isInteger(n) && n >= 1 },
  maxFlakyShare: { name: 'E2E_GATE_FLAKY_SHARE', fallback: 0.2, valid: (n: number) => n >= 0 && n <= 1 },
  slowdownFactor: { name: 'E2E_GATE_SLOWDOWN_FACTOR', fallback: 2, valid: (n: number) => n === 0 || n > 1 },
  slowdownMinMs: { name: 'E2E_GATE_SLOWDOWN_MIN_MS', fallback: 1_000, valid: (n: number) => n >= 0 },
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
  return { window: read('window'), maxFlakyShare: read('maxFlakyShare'), slowdownFactor: read('slowdownFactor'), slowdownMinMs: read('slowdownMinMs') };
}

export type FlakyInWindow = { key: string; flakyRuns: number; share: number };
export type NewlySlow = { key: string; currentMs: number; referenceMs: number; reference: string };

export type GateVerdict = {
  passed: boolean;
  /** One line per reason the run fails, in the order: failures, flakiness, slowness. */
  reasons: string[];
  thresholds: GateThresholds;
  /** Runs the window holds (this one included): fewer than the window early in a history. */
  windowRuns: number;
  /** Every scenario flaky at least once in the window, most often first. */
  flaky: FlakyInWindow[];
  newlySlow: NewlySlow[];
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Judges a finished run. It fails on:
 * - a failing scenario: "newly failing" when it did not fail in the baseline or is not in it (cucumber fails
 *   the run on any failure anyway; the reason says which kind it is, and in a merged run which shard ran it);
 * - a scenario flaky in more than maxFlakyShare of the last `window` runs, this one included
 *   (a shorter history counts its missing runs as not flaky, so one flaky run early on does
 *   not fail it);
 * - a passed scenario more than slowdownFactor times and more than slowdownMinMs slower than
 *   its median over the earlier runs of the window in which it passed, or, with no such run,
 *   than in the baseline.
 * `earlier` is the history before this run, oldest first.
 */
export function judgeRun(
  current: RunResults,
  earlier: HistoryEntry[],
  baseline: ResultsFile | undefined,
  diff: RegressionDiff | undefined,
  thresholds: GateThresholds,
): GateVerdict {
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

  const newlySlow: NewlySlow[] = [];
  for (const s of current.scenarios.filter((s) => s.status === 'passed')) {
    const passedBefore = inWindow.map((run) => run.scenarios[s.key]).filter((r) => r?.status === 'passed').map((r) => r!.durationMs);
    const fromBaseline = baseline?.scenarios[s.key]?.status === 'passed' ? baseline.scenarios[s.key].durationMs : undefined;
    const [referenceMs, reference] = passedBefore.length
      ? [median(passedBefore), `median of ${passedBefore.length} earlier run(s)`]
      : fromBaseline !== undefined
        ? [fromBaseline, 'baseline']
        : [undefined, ''];
    if (referenceMs === undefined || thresholds.slowdownFactor === 0) continue;
    if (s.durationMs > thresholds.slowdownFactor * referenceMs && s.durationMs - referenceMs > thresholds.slowdownMinMs) {
      newlySlow.push({ key: s.key, currentMs: Math.round(s.durationMs), referenceMs: Math.round(referenceMs), reference });
    }
  }
  newlySlow.sort((a, b) => b.currentMs - b.referenceMs - (a.currentMs - a.referenceMs));
  for (const slow of newlySlow) {
    reasons.push(
      `newly slow: ${slow.key} took ${slow.currentMs} ms, ${(slow.currentMs / slow.referenceMs).toFixed(1)}× its ${slow.reference} ` +
        `(${slow.referenceMs} ms; E2E_GATE_SLOWDOWN_FACTOR ${thresholds.slowdownFactor}, E2E_GATE_SLOWDOWN_MIN_MS ${thresholds.slowdownMinMs})`,
    );
  }
  if (current.scenarios.length === 0) reasons.push('no scenario ran');

  return { passed: reasons.length === 0, reasons, thresholds, windowRuns: inWindow.length + 1, flaky, newlySlow };
}

export const percent = (share: number) => `${Math.round(share * 100)} %`;
