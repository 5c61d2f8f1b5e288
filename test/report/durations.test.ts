import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { comparableAs } from '../../scripts/report/comparable-runs.ts';
import { judgeDurations } from '../../scripts/report/durations.ts';
import { gateThresholds } from '../../scripts/report/gate.ts';
import type { HistoryEntry } from '../../scripts/report/history.ts';
import type { RunResults } from '../../scripts/report/scenario-results.ts';
import { madeUpHistory, resultsFile, RUN, runResults, type Outcome } from './made-up-runs.ts';

const t = gateThresholds({});
const thisRun = { partial: false, run: { ...RUN, startedAt: '2026-02-01T00:00:00.000Z' } };

/** The usual durations of ten ordinary scenarios: o0 to o7 a second, o8 and o9 200 ms. */
const USUAL = Array.from({ length: 10 }, (_, j) => (j < 8 ? 1_000 : 200));
/** The ordinary scenarios (medians exactly USUAL) and `s`, in `n` earlier runs. */
const ordinary = (n: number, s: number[] = [1_000]) =>
  madeUpHistory(
    Array.from({ length: n }, (_, i) => ({
      ...Object.fromEntries(USUAL.map((usual, j) => [`o${j}`, ['passed', usual + [0, -10, 10][(i + j) % 3]] as Outcome])),
      s: ['passed', s[i % s.length]] as Outcome,
    })),
  );
/** This run: the ordinary scenarios at `speed` times their usual durations, and `s` at `ms`. */
const now = (ms: number, speed = 1, tags: Record<string, string[]> = {}): RunResults =>
  runResults({ ...Object.fromEntries(USUAL.map((usual, j) => [`o${j}`, ['passed', usual * speed] as Outcome])), s: ['passed', ms] }, [], tags);

const judge = (current: RunResults, earlier: HistoryEntry[], thresholds = t, run = thisRun) => judgeDurations(current.scenarios, run, earlier, undefined, thresholds);
const failing = (judgement: ReturnType<typeof judge>) => judgement.slow.filter((s) => !s.notJudged).map((s) => s.key);

describe('the duration judgement', () => {
  it('fails a scenario clearly slower than its median over comparable runs: a planted 1.5 s', () => {
    const judgement = judge(now(2_500), ordinary(5));
    assert.deepEqual(failing(judgement), ['s']);
    assert.deepEqual(judgement.slow[0], { key: 's', currentMs: 2_500, medianMs: 1_000, expectedMs: 1_000, allowedMs: 1_000, reference: 'median of 5 comparable earlier runs' });
    assert.deepEqual([judgement.comparableRuns, judgement.runSpeed, judgement.runSpeedFrom], [5, 1, 11]);
  });

  it(`never fails on fewer than E2E_GATE_MIN_SAMPLES comparable runs, and says so`, () => {
    const judgement = judge(now(2_500), ordinary(4));
    assert.deepEqual(failing(judgement), []);
    assert.equal(judgement.slow[0].notJudged, '4 comparable earlier run(s) in which it passed, 5 needed (E2E_GATE_MIN_SAMPLES)');
    assert.deepEqual(failing(judge(now(2_500), ordinary(4), { ...t, minSamples: 4 })), ['s']);
  });

  it('never takes a baseline or a run under other conditions as its reference', () => {
    const baseline = resultsFile({ s: ['passed', 700] });
    const fromBaseline = judgeDurations(now(11_000).scenarios, thisRun, [], baseline, t);
    assert.deepEqual(fromBaseline.slow.map((s) => [s.key, s.reference, s.notJudged]), [['s', 'the baseline', '0 comparable earlier run(s) in which it passed, 5 needed (E2E_GATE_MIN_SAMPLES)']]);
    for (const other of [{ runnerClass: 'bigger machine' }, { system: 'process' as const }, { node: 'v22.22.0' }, { workers: 3 }, { runnerClass: undefined }]) {
      const elsewhere = madeUpHistory(ordinary(10).map((entry) => entry.scenarios).map((scenarios) => Object.fromEntries(Object.entries(scenarios).map(([k, r]) => [k, [r.status, r.durationMs] as Outcome]))), other);
      const judgement = judge(now(2_500), elsewhere);
      assert.deepEqual([judgement.comparableRuns, failing(judgement)], [0, []], JSON.stringify(other));
      assert.equal(judgement.slow[0].reference, 'median of 10 earlier run(s) under other conditions', 'still listed');
    }
  });

  it('tells runs apart by mode, runner class, Node.js major, workers and selection; an old entry matches none', () => {
    const of = (run: Partial<HistoryEntry['run']>, partial = false) => comparableAs({ partial, run: { ...RUN, startedAt: 'x', ...run } });
    assert.equal(of({}), 'containers; test machine; Node 24; 2 worker(s); full suite');
    assert.equal(of({ node: 'v24.1.0' }), of({}), 'a minor version is the same runtime');
    assert.equal(of({ cucumberArgs: ['features/faults'] }, true), 'containers; test machine; Node 24; 2 worker(s); cucumber features/faults');
    assert.equal(of({ target: 'external', system: undefined }), 'external target; test machine; Node 24; 2 worker(s); full suite');
    assert.equal(of({ system: undefined }), undefined);
    assert.equal(of({ runnerClass: undefined }), undefined);
  });

  it('judges against the scenario\'s own spread: within it is noise, beyond it is slow', () => {
    // Median 2 s, MAD 1 s: 5 robust deviations are 7.4 s.
    const wide = [1_000, 3_000, 1_500, 4_000, 2_000, 3_500, 1_200];
    assert.deepEqual(failing(judge(now(5_000), ordinary(7, wide))), [], '2.5× its median but within its spread');
    assert.deepEqual(failing(judge(now(9_500), ordinary(7, wide))), ['s']);
    assert.equal(judge(now(9_500), ordinary(7, wide)).slow[0].allowedMs, 7_413);
  });

  it('never judges a scenario slow for going over its median by less than it already did in those runs', () => {
    // Median 500 ms, MAD 0 (six runs at 500), but once 2.3 s: a race's heavy tail.
    const tail = [500, 500, 500, 2_300, 500, 500, 500];
    assert.deepEqual(failing(judge(now(2_200), ordinary(7, tail))), [], '1.7 s over, it went 1.8 s over before');
    assert.deepEqual(failing(judge(now(2_400), ordinary(7, tail))), ['s']);
  });

  it('puts a slow scenario down to the machine when a stall slowed what ran beside it', () => {
    /** This run with s at 2.5 s from t = 10 s, and the ordinary scenarios o0, o1... placed and timed as given. */
    const at = (beside: Record<string, [startMs: number, durationMs: number]>): RunResults => {
      const run = now(2_500);
      return {
        ...run,
        scenarios: run.scenarios.map((x) => {
          const [start, duration] = x.key === 's' ? [10_000, 2_500] : (beside[x.key] ?? [100_000, x.durationMs]);
          return { ...x, startedAtMs: start, durationMs: duration, finishedAtMs: start + duration };
        }),
      };
    };
    const stalled = judge(at({ o1: [11_000, 2_200] }), ordinary(5));
    assert.deepEqual(failing(stalled), [], 'o1, beside it, went 1.2 s over its second too');
    assert.equal(stalled.slow[0].notJudged, 'the machine stalled: o1, run within 2 s of it, was slow too (2200 ms, 2.2× its expected)');
    // o8 and o9 (200 ms) 2.5× and 300 ms over: a witness each, slow but not failing.
    assert.deepEqual(failing(judge(at({ o8: [7_600, 500], o9: [13_900, 500] }), ordinary(5))), [], 'two witnesses, ending 1.9 s before it and starting 1.4 s after it');
    assert.deepEqual(failing(judge(at({ o8: [11_000, 500] }), ordinary(5))), ['s'], 'one scenario a little slower beside it: noise');
    assert.deepEqual(failing(judge(at({ o8: [7_000, 500], o9: [14_600, 500] }), ordinary(5))), ['s'], 'a stall ending 2.5 s before it or starting 2.1 s after it is not around it');
  });

  it('allows for the run\'s own speed: when everything is slower, the machine is', () => {
    const slowMachine = judge(now(2_500, 2.5), ordinary(5));
    assert.deepEqual([slowMachine.runSpeed, failing(slowMachine)], [2.5, []], 'everything 2.5× slower: nothing fails');
    assert.deepEqual(failing(judge(now(2_500 + 4_000, 2.5), ordinary(5))), ['s'], 'on the slow machine, s is 2.6× the others');
    assert.equal(judge(now(1_000, 0.5), ordinary(5)).runSpeed, 1, 'a fast run does not tighten it');
  });

  it('lists a scenario tagged @chaos at 4× its median, but does not fail on it', () => {
    const judgement = judge(now(4_000, 1, { s: ['@chaos', '@serial'] }), ordinary(10));
    assert.deepEqual(failing(judgement), []);
    assert.equal(judgement.slow[0].notJudged, "tagged @chaos: its time is the injected fault's, its steps assert their own deadlines");
    assert.equal(judgement.runSpeedFrom, 10, 'nor is it counted in the run\'s speed');
  });

  it('looks at the last E2E_HISTORY_WINDOW − 1 comparable runs only, and at nothing when E2E_GATE_SLOWDOWN_FACTOR is 0', () => {
    const slowLongAgo = [...ordinary(10, [3_000]), ...ordinary(5)];
    assert.deepEqual(failing(judge(now(2_500), slowLongAgo, { ...t, window: 6 })), ['s']);
    assert.deepEqual(failing(judge(now(2_500), slowLongAgo)), [], 'median of 15 with the 3 s runs in it');
    assert.deepEqual(judge(now(60_000), ordinary(5), { ...t, slowdownFactor: 0 }).slow, []);
  });
});
