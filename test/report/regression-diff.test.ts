import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffAgainstBaseline } from '../../scripts/report/regression-diff.ts';
import { resultsFile as baseline, runResults as run } from './made-up-runs.ts';

describe('diffAgainstBaseline', () => {
  it('finds newly failing, newly passing, added and removed scenarios', () => {
    const diff = diffAgainstBaseline(
      baseline({ broke: ['passed', 100], fixed: ['failed', 100], stillFailing: ['failed', 100], gone: ['passed', 100], skippedBefore: ['skipped', 1] }),
      run({ broke: ['failed', 100], fixed: ['passed', 100], stillFailing: ['failed', 100], fresh: ['passed', 100], skippedBefore: ['undefined', 1] }),
    );
    assert.deepEqual(diff.newlyFailing.map((c) => c.key), ['broke', 'skippedBefore']);
    assert.deepEqual(diff.newlyPassing.map((c) => c.key), ['fixed']);
    assert.deepEqual(diff.added, ['fresh']);
    assert.deepEqual(diff.removed, ['gone']);
  });

  it('counts a scenario filtered out of this run as not run, not as removed', () => {
    const diff = diffAgainstBaseline(baseline({ smoke: ['passed', 10], slow: ['passed', 10] }), run({ smoke: ['passed', 10] }, ['slow']));
    assert.deepEqual(diff.removed, []);
    assert.deepEqual(diff.notRun, ['slow']);
  });
});
