import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CiCase } from './ci-script.ts';

const gate = (needs: unknown) => new CiCase().run('all-legs-passed.sh', { NEEDS: JSON.stringify(needs) });

describe('scripts/ci/all-legs-passed.sh: the one required check', () => {
  it('passes when every needed job succeeded', () => {
    const run = gate({ e2e: { result: 'success', outputs: {} } });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^e2e: success$/m);
  });

  for (const result of ['failure', 'cancelled', 'skipped']) {
    it(`fails when the matrix job ended ${result}`, () => {
      const run = gate({ e2e: { result, outputs: {} } });
      assert.equal(run.code, 1);
      assert.match(run.stdout, new RegExp(`::error title=e2e gate::e2e: ${result} \\(every leg must succeed\\)`));
    });
  }

  it('fails when one of several needed jobs did not succeed', () => {
    const run = gate({ e2e: { result: 'success' }, lint: { result: 'failure' } });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /e2e: success[\s\S]*lint: failure/);
  });

  it('fails on a merged verdict that failed, though every shard and test job succeeded (a scenario too flaky, say)', () => {
    const run = gate({ checks: { result: 'success' }, e2e: { result: 'success' }, merge: { result: 'failure' } });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /checks: success\ne2e: success\n::error title=e2e gate::merge: failure \(every leg must succeed\)/);
  });

  it('fails when the merge was skipped (the plan failed, so nothing ran)', () => {
    const run = gate({ checks: { result: 'skipped' }, e2e: { result: 'skipped' }, merge: { result: 'skipped' } });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /merge: skipped/);
  });

  it('passes when the tests, every shard and every merged run succeeded', () => {
    const run = gate({ checks: { result: 'success' }, e2e: { result: 'success' }, merge: { result: 'success' } });
    assert.equal(run.code, 0, run.stdout);
  });

  it('fails when it needs nothing, or NEEDS is missing', () => {
    assert.equal(gate({}).code, 1);
    assert.equal(new CiCase().run('all-legs-passed.sh', {}).code, 1);
  });
});
