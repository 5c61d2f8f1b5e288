import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResultsFile } from '../../scripts/report/baseline.ts';
import { gateThresholds, judgeRun, type GateThresholds } from '../../scripts/report/gate.ts';
import type { HistoryEntry } from '../../scripts/report/history.ts';
import { diffAgainstBaseline } from '../../scripts/report/regression-diff.ts';
import type { RunResults } from '../../scripts/report/scenario-results.ts';
import { madeUpHistory, resultsFile as results, RUN, runResults as current, type Outcome } from './made-up-runs.ts';

const defaults = gateThresholds({});

const history = (...runs: Record<string, Outcome>[]) => madeUpHistory(runs);

function judge(now: RunResults, earlier: HistoryEntry[] = [], baseline?: ResultsFile, thresholds: GateThresholds = defaults) {
  const thisRun = { partial: false, run: { ...RUN, startedAt: '2026-02-01T00:00:00.000Z' } };
  return judgeRun({ current: now, thisRun, earlier, baseline, diff: baseline && diffAgainstBaseline(baseline, now) }, thresholds);
}

describe('the gate', () => {
  it('passes a clean run', () => {
    const verdict = judge(current({ a: ['passed', 100] }), history({ a: ['passed', 100] }));
    assert.deepEqual([verdict.passed, verdict.reasons], [true, []]);
  });

  it('fails on a failure, saying whether it is new against the baseline', () => {
    const baseline = results({ broke: ['passed', 10], known: ['failed', 10] });
    const verdict = judge(current({ broke: ['failed', 10], known: ['failed', 10], fresh: ['failed', 10] }), [], baseline);
    assert.deepEqual(verdict.reasons, [
      'newly failing: broke (passed in the baseline): boom',
      'failing: known (failed in the baseline too): boom',
      'newly failing: fresh (not in the baseline): boom',
    ]);
  });

  it('fails on a scenario flaky in more than the share of the window, this run included', () => {
    const flakyIn = (n: number) => history(...Array.from({ length: 19 }, (_, i) => ({ f: ['passed', 10, i < n] as Outcome })));
    // 4 of 20 = 20 %: not more than the share.
    assert.equal(judge(current({ f: ['passed', 10, true] }), flakyIn(3)).passed, true);
    const verdict = judge(current({ f: ['passed', 10, true] }), flakyIn(4));
    assert.deepEqual(verdict.reasons, ['too flaky: f passed only on a retry in 5 of the last 20 runs (25 % > E2E_GATE_FLAKY_SHARE 20 %)']);
    assert.deepEqual(verdict.flaky, [{ key: 'f', flakyRuns: 5, share: 0.25 }]);
  });

  it('counts the runs a short history lacks as not flaky, and forgets runs older than the window', () => {
    const allFlaky = history(...Array.from({ length: 3 }, () => ({ f: ['passed', 10, true] as Outcome })));
    assert.equal(judge(current({ f: ['passed', 10, true] }), allFlaky).passed, true, '4 of 20');
    const longAgo = history(...Array.from({ length: 10 }, () => ({ f: ['passed', 10, true] as Outcome })), ...Array.from({ length: 4 }, () => ({ f: ['passed', 10] as Outcome })));
    const verdict = judge(current({ f: ['passed', 10] }), longAgo, undefined, { ...defaults, window: 5 });
    assert.deepEqual([verdict.passed, verdict.windowRuns, verdict.flaky], [true, 5, []]);
  });

  it('fails on a scenario clearly slower than in comparable earlier runs, naming it (durations.test.ts has the rule in full)', () => {
    const earlier = history(...[900, 1_000, 1_100, 1_000, 950].map((ms) => ({ s: ['passed', ms] as Outcome })));
    assert.equal(judge(current({ s: ['passed', 1_900] }), earlier).passed, true, 'not more than 2×');
    const verdict = judge(current({ s: ['passed', 2_500] }), earlier);
    assert.equal(verdict.reasons.length, 1);
    assert.match(verdict.reasons[0], /^newly slow: s took 2500 ms, 2\.5× the 1000 ms expected \(median of 5 comparable earlier runs: 1000 ms\) and 1500 ms over it, more than the 1000 ms allowed/);
    assert.equal(judge(current({ s: ['passed', 2_500] }), earlier, undefined, { ...defaults, slowdownFactor: 0 }).passed, true);
  });

  it('fails a run in which no scenario ran', () => {
    assert.deepEqual(judge(current({})).reasons, ['no scenario ran']);
  });

  it('reads its thresholds from the environment and refuses nonsense, naming the variable', () => {
    assert.deepEqual(defaults, { window: 20, maxFlakyShare: 0.2, minSamples: 5, slowdownFactor: 2, slowdownMinMs: 1_000, slowdownMads: 5 });
    assert.deepEqual(
      gateThresholds({
        E2E_HISTORY_WINDOW: '10',
        E2E_GATE_FLAKY_SHARE: '0.5',
        E2E_GATE_MIN_SAMPLES: '8',
        E2E_GATE_SLOWDOWN_FACTOR: '3',
        E2E_GATE_SLOWDOWN_MIN_MS: '250',
        E2E_GATE_SLOWDOWN_MADS: '3.5',
      }),
      { window: 10, maxFlakyShare: 0.5, minSamples: 8, slowdownFactor: 3, slowdownMinMs: 250, slowdownMads: 3.5 },
    );
    assert.throws(() => gateThresholds({ E2E_GATE_FLAKY_SHARE: '20%' }), /E2E_GATE_FLAKY_SHARE=20% is not a valid setting/);
    assert.throws(() => gateThresholds({ E2E_HISTORY_WINDOW: '0' }), /E2E_HISTORY_WINDOW=0/);
    assert.throws(() => gateThresholds({ E2E_GATE_SLOWDOWN_FACTOR: '0.5' }), /E2E_GATE_SLOWDOWN_FACTOR=0\.5/);
    assert.throws(() => gateThresholds({ E2E_GATE_MIN_SAMPLES: '2.5' }), /E2E_GATE_MIN_SAMPLES=2\.5/);
    assert.throws(() => gateThresholds({ E2E_GATE_SLOWDOWN_MADS: '-1' }), /E2E_GATE_SLOWDOWN_MADS=-1/);
  });
});
