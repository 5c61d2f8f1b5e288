import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRed, renderSoakReport, scenarioSpreads, type SoakConditions, type SoakRun } from '../../scripts/soak/soak-report.ts';

const run = (index: number, exitCode: number, scenarios: SoakRun['scenarios'], reasons: string[] = []): SoakRun => ({
  index,
  startedAt: `2026-12-07T10:0${index}:00.000Z`,
  exitCode,
  wallTimeMs: 80_000 + index * 1_000,
  dir: `reports/soak/run-0${index}`,
  reasons,
  scenarios,
});
const passed = (key: string, durationMs: number, attempts = 1) => ({ key, status: 'passed' as const, attempts, durationMs });

/** Five runs: "steady" always 1 s; "jumpy" 1, 1, 1, 1, 6 s and retried once; "breaks" failing in run 3, which is red. */
const runs = [1, 2, 3, 4, 5].map((i) =>
  run(
    i,
    i === 3 ? 1 : 0,
    [
      passed('f.feature: steady', 1_000),
      passed('f.feature: jumpy', i === 5 ? 6_000 : 1_000, i === 2 ? 2 : 1),
      i === 3 ? { key: 'f.feature: breaks', status: 'failed', attempts: 1, durationMs: 300 } : passed('f.feature: breaks', 200),
      { key: 'f.feature: external only', status: 'skipped', attempts: 1, durationMs: 0 },
    ],
    i === 3 ? ['failed: f.feature: breaks: boom'] : [],
  ),
);
const conditions: SoakConditions = {
  date: '2026-12-07',
  commit: 'abc',
  machine: '2 × CPU, 24 GiB',
  node: 'v24.22.3',
  mode: 'containers (E2E_SYSTEM)',
  stress: 0.5,
  cucumberArgs: [],
  runsAsked: 5,
  interrupted: false,
};

describe('the soak report', () => {
  it('gives each scenario its pass rate, retries and spread, the widest spread first', () => {
    const spreads = scenarioSpreads(runs);
    assert.deepEqual(
      spreads.map((s) => s.key),
      ['f.feature: jumpy', 'f.feature: breaks', 'f.feature: steady', 'f.feature: external only'],
    );
    const jumpy = spreads[0];
    assert.deepEqual([jumpy.ran, jumpy.passed, jumpy.retried, jumpy.failed, jumpy.p50Ms, jumpy.p95Ms, jumpy.maxMs], [5, 5, 1, 0, 1_000, 6_000, 6_000]);
    // Mean 2 s, standard deviation 2 s.
    assert.equal(jumpy.cv, 1);
    const breaks = spreads[1];
    assert.deepEqual([breaks.ran, breaks.passed, breaks.failed, breaks.p50Ms, breaks.cv], [5, 4, 1, 200, 0]);
    assert.deepEqual([spreads[3].ran, spreads[3].passed], [0, 0], 'never ran: last');
  });

  it('counts a run red by its exit code, and lists each red run with its reasons', () => {
    assert.deepEqual(runs.map(isRed), [false, false, true, false, false]);
    const report = renderSoakReport(runs, conditions);
    assert.match(report, /^# Soak: 5 run\(s\), 1 red\n\n❌ 4 green, 1 red of 5 run\(s\) asked/);
    assert.match(report, /\| competing CPU load \| 0\.5 of one core \(--stress\) \|/);
    assert.match(report, /\| 3 \| 2026-12-07 10:03:00 \| red \(exit 1\) \| 83\.0 \| 2 \| 1 \| 0 \| `reports\/soak\/run-03` \|/);
    assert.match(report, /## Red runs\n\n- \*\*run 3\*\* \(`reports\/soak\/run-03`\):\n  - failed: f\.feature: breaks: boom\n/);
    assert.match(report, /\| `f\.feature: jumpy` \| 5\/5 \| 1 \| 1\.00 \| 6\.00 \| 6\.00 \| 5\.00 \| 1\.00 \|/);
    assert.match(report, /\| `f\.feature: breaks` \| 4\/5 ❌ \| 0 \| 0\.20 \| 0\.20 \| 0\.20 \| 0\.00 \| 0\.00 \|/);
    assert.match(report, /\| `f\.feature: external only` \| skipped \| 0 \| — \| — \| — \| — \| — \|/);
  });

  it('says when it was interrupted', () => {
    assert.match(renderSoakReport(runs.slice(0, 2), { ...conditions, runsAsked: 10, interrupted: true }), /✅ 2 green, 0 red \(interrupted: 2 of 10 runs\)/);
  });
});
