import type { ResultsFile } from './baseline.ts';
import { comparableAs } from './comparable-runs.ts';
import type { HistoryEntry } from './history.ts';
import type { ScenarioResult } from './scenario-results.ts';

/**
 * Scenarios whose time is dominated by the randomness a fault injects (packets lost at random,
 * a throttled link, a failover, a restart): their own steps assert the deadlines that matter
 * ("every answer came within 10 seconds"), and their duration is reported but never fails a run.
 */
export const UNTIMED_TAGS = ['@chaos'];

export type DurationThresholds = {
  /** E2E_HISTORY_WINDOW: durations are taken from at most this many runs minus one (this one) of comparable earlier runs. */
  window: number;
  /** E2E_GATE_MIN_SAMPLES: a scenario is judged only with at least this many comparable earlier passed runs. */
  minSamples: number;
  /** E2E_GATE_SLOWDOWN_FACTOR: slow means more than this many times the expected duration (0: never judged)... */
  slowdownFactor: number;
  /** E2E_GATE_SLOWDOWN_MIN_MS: ...and more than this many ms over it... */
  slowdownMinMs: number;
  /** E2E_GATE_SLOWDOWN_MADS: ...and more than this many of its own robust deviations (1.4826 × MAD) over it. */
  slowdownMads: number;
};

export type SlowScenario = {
  key: string;
  currentMs: number;
  /** Its usual duration: the median of its earlier passed runs (see `reference`). */
  medianMs: number;
  /** The usual duration times this run's speed: what it should have taken in this run. */
  expectedMs: number;
  /** How far over `expectedMs` it may go: the larger of E2E_GATE_SLOWDOWN_MIN_MS and its spread allowance (see judgeDurations). */
  allowedMs: number;
  /** Where `medianMs` came from, e.g. "median of 12 comparable earlier runs". */
  reference: string;
  /** Undefined when it fails the run; otherwise why it is only reported. */
  notJudged?: string;
};

export type DurationJudgement = {
  /** This run's conditions (comparable-runs.ts); undefined when it does not record them all. */
  comparableAs: string | undefined;
  /** Earlier runs of the same conditions the durations were taken from (at most window − 1). */
  comparableRuns: number;
  /**
   * This run's overall speed against those runs: the median, over the scenarios judged, of
   * duration ÷ usual duration, and never below 1 (a fast run does not tighten the judgement).
   * 1.8 means everything took 1.8× its usual time: the machine was slow, not a scenario.
   */
  runSpeed: number;
  /** How many scenarios `runSpeed` was measured on (fewer than 5: taken as 1). */
  runSpeedFrom: number;
  /** Every scenario slower than usual by the thresholds, judged or not; the worst first. */
  slow: SlowScenario[];
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
/** Median absolute deviation scaled to a normal distribution's standard deviation. */
const robustDeviation = (values: number[], centre: number) => 1.4826 * median(values.map((v) => Math.abs(v - centre)));

const passedDurations = (runs: Pick<HistoryEntry, 'scenarios'>[], key: string) =>
  runs.map((run) => run.scenarios[key]).filter((r) => r?.status === 'passed').map((r) => r!.durationMs);

/** The fewest scenarios a run's speed is measured on; with fewer it is taken as 1. */
const MIN_SPEED_SCENARIOS = 5;

/**
 * A machine that stalls for a few seconds (a neighbour's burst on a shared runner) slows
 * whatever runs at that moment, on every worker; a slower change slows its own scenario. A
 * stall's witness is another judged scenario that ran within STALL_NEIGHBOURHOOD_MS of the
 * slow one and took more than the factor times its expected duration and STALL_MIN_MS over it
 * (a stall of a second or two shows in short scenarios as a few hundred ms). The slow scenario
 * is put down to the machine when there are two witnesses, or one that went more than
 * E2E_GATE_SLOWDOWN_MIN_MS over (one scenario a little slower beside it is ordinary noise).
 * Tuned on a soak with stalls (docs/report.md): no false red in 12 runs, a planted 1.5 s caught
 * in the 9 runs without a stall.
 */
export const STALL_NEIGHBOURHOOD_MS = 2_000;
export const STALL_MIN_MS = 250;

/**
 * Which passed scenarios of this run were slow, and which of those fail it. A scenario fails
 * the run only when all of these hold:
 * - this run and at least `minSamples` earlier runs in which it passed were run under the same
 *   conditions (comparable-runs.ts: mode, runner class, Node.js major, workers, selection); a
 *   baseline or a run from another machine is never a reference;
 * - it is not tagged with one of UNTIMED_TAGS;
 * - with `median` its median over those runs (the last `window − 1` comparable ones), `mad`
 *   their median absolute deviation and `speed` this run's overall speed (runSpeed), it took
 *   more than slowdownFactor × expected, where expected = median × speed, and it went over
 *   expected by more than max(slowdownMinMs, speed × max(slowdownMads × 1.4826 × mad, its
 *   slowest of those runs − median));
 * - the machine did not stall around it: see STALL_NEIGHBOURHOOD_MS.
 * A scenario that is that slow but cannot be judged (too few comparable runs, untimed) is
 * listed with the reason, against whatever earlier durations exist (any runs of the window,
 * else the baseline), and does not fail the run. `earlier` is the history before this run,
 * oldest first.
 */
export function judgeDurations(
  current: ScenarioResult[],
  thisRun: Pick<HistoryEntry, 'partial' | 'run'>,
  earlier: HistoryEntry[],
  baseline: ResultsFile | undefined,
  t: DurationThresholds,
): DurationJudgement {
  const conditions = comparableAs(thisRun);
  const comparable = conditions === undefined ? [] : earlier.filter((entry) => comparableAs(entry) === conditions).slice(-(t.window - 1));
  const judgement: DurationJudgement = { comparableAs: conditions, comparableRuns: comparable.length, runSpeed: 1, runSpeedFrom: 0, slow: [] };
  if (t.slowdownFactor === 0 || t.window < 2) return judgement;

  const passed = current.filter((s) => s.status === 'passed');
  const untimed = (s: ScenarioResult) => s.tags.some((tag) => UNTIMED_TAGS.includes(tag));
  const samples = new Map(passed.map((s) => [s.key, passedDurations(comparable, s.key)]));
  const judged = passed.filter((s) => !untimed(s) && samples.get(s.key)!.length >= t.minSamples);

  const ratios = judged.map((s) => s.durationMs / Math.max(1, median(samples.get(s.key)!)));
  judgement.runSpeedFrom = ratios.length;
  judgement.runSpeed = ratios.length >= MIN_SPEED_SCENARIOS ? Math.max(1, median(ratios)) : 1;
  const speed = judgement.runSpeed;

  /** What `s`, judged, was expected to take, and how far over it it may go beyond the minimum. */
  const judgedFigures = (s: ScenarioResult) => {
    const values = samples.get(s.key)!;
    const medianMs = median(values);
    // Its own spread: so many robust deviations, and never less than it already went over its
    // median in those runs (a race's heavy tail is wider than its MAD says).
    const spreadMs = Math.max(t.slowdownMads * robustDeviation(values, medianMs), Math.max(...values) - medianMs) * speed;
    return { medianMs, expectedMs: medianMs * speed, spreadMs };
  };
  const overBy = (s: ScenarioResult) => s.durationMs - judgedFigures(s).expectedMs;
  const witnesses = judged.filter((s) => s.durationMs > t.slowdownFactor * judgedFigures(s).expectedMs && overBy(s) > STALL_MIN_MS);
  /** The witness that puts `s` down to a stall of the machine, if the stall had enough of them. */
  const stallWitness = (s: ScenarioResult) => {
    const near = witnesses.filter(
      (w) => w.key !== s.key && w.finishedAtMs > s.startedAtMs - STALL_NEIGHBOURHOOD_MS && w.startedAtMs < s.finishedAtMs + STALL_NEIGHBOURHOOD_MS,
    );
    return near.find((w) => overBy(w) > t.slowdownMinMs) ?? (near.length >= 2 ? near[0] : undefined);
  };

  const window = earlier.slice(-(t.window - 1));
  for (const s of passed) {
    const own = samples.get(s.key)!;
    const enough = own.length >= t.minSamples;
    const fallback = passedDurations(window, s.key);
    const fromBaseline = baseline?.scenarios[s.key]?.status === 'passed' ? baseline.scenarios[s.key].durationMs : undefined;
    const [values, reference] = enough
      ? [own, `median of ${own.length} comparable earlier runs`]
      : own.length
        ? [own, `median of ${own.length} comparable earlier run(s)`]
        : fallback.length
          ? [fallback, `median of ${fallback.length} earlier run(s) under other conditions`]
          : fromBaseline !== undefined
            ? [[fromBaseline], 'the baseline']
            : [[], ''];
    if (values.length === 0) continue;

    const { medianMs, expectedMs, spreadMs } = enough ? judgedFigures(s) : { medianMs: median(values), expectedMs: median(values), spreadMs: 0 };
    const allowedMs = Math.max(t.slowdownMinMs, spreadMs);
    if (!(s.durationMs > t.slowdownFactor * expectedMs && s.durationMs - expectedMs > allowedMs)) continue;

    const witness = untimed(s) || !enough ? undefined : stallWitness(s);
    const notJudged = untimed(s)
      ? `tagged ${s.tags.filter((tag) => UNTIMED_TAGS.includes(tag)).join(' ')}: its time is the injected fault's, its steps assert their own deadlines`
      : !enough
        ? `${own.length} comparable earlier run(s) in which it passed, ${t.minSamples} needed (E2E_GATE_MIN_SAMPLES)`
        : witness
          ? `the machine stalled: ${witness.key}, run within ${STALL_NEIGHBOURHOOD_MS / 1000} s of it, was slow too ` +
            `(${Math.round(witness.durationMs)} ms, ${(witness.durationMs / judgedFigures(witness).expectedMs).toFixed(1)}× its expected)`
          : undefined;
    judgement.slow.push({
      key: s.key,
      currentMs: Math.round(s.durationMs),
      medianMs: Math.round(medianMs),
      expectedMs: Math.round(expectedMs),
      allowedMs: Math.round(allowedMs),
      reference,
      ...(notJudged ? { notJudged } : {}),
    });
  }
  judgement.slow.sort((a, b) => Number(a.notJudged !== undefined) - Number(b.notJudged !== undefined) || b.currentMs - b.expectedMs - (a.currentMs - a.expectedMs));
  return judgement;
}

/** The gate's line for a scenario that fails the run on its duration. */
export function slowReason(slow: SlowScenario, judgement: DurationJudgement, t: DurationThresholds): string {
  const speed = judgement.runSpeed > 1 ? ` × this run's speed ${judgement.runSpeed.toFixed(2)}` : '';
  return (
    `newly slow: ${slow.key} took ${slow.currentMs} ms, ${(slow.currentMs / slow.expectedMs).toFixed(1)}× the ${slow.expectedMs} ms expected ` +
    `(${slow.reference}: ${slow.medianMs} ms${speed}) and ${slow.currentMs - slow.expectedMs} ms over it, more than the ${slow.allowedMs} ms allowed ` +
    `(E2E_GATE_SLOWDOWN_FACTOR ${t.slowdownFactor}, E2E_GATE_SLOWDOWN_MIN_MS ${t.slowdownMinMs}, E2E_GATE_SLOWDOWN_MADS ${t.slowdownMads})`
  );
}
