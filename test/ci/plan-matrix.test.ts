import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CiCase } from './ci-script.ts';

/** Runs the plan with these settings, in a checkout whose .nvmrc holds `nvmrc` (null: none). */
const plan = (env: Record<string, string>, nvmrc: string | null = '24\n') => {
  const c = new CiCase();
  if (nvmrc !== null) c.files('.', { '.nvmrc': nvmrc });
  return c.run('plan-matrix.sh', env);
};
const outputs = (run: ReturnType<typeof plan>) => Object.fromEntries(run.githubOutput.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));

describe('scripts/ci/plan-matrix.sh: the e2e matrices from one setting each', () => {
  it('makes a shard list of SUITE_SHARDS for every Node version, and picks .nvmrc\'s version to annotate', () => {
    const run = plan({ SUITE_SHARDS: '3', NODE_VERSIONS: '[22, 24, 26]' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(outputs(run), { nodes: '[22,24,26]', shards: '[1,2,3]', 'shard-total': '3', 'annotate-node': '24' });
    assert.match(run.stdout, /each as 3 shard\(s\) \(9 e2e jobs\) merged per Node version; Node 24's merged run annotates/);
  });

  it('runs the suite unsharded as one shard of one', () => {
    const run = plan({ SUITE_SHARDS: '1', NODE_VERSIONS: '[24]' });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(outputs(run), { nodes: '[24]', shards: '[1]', 'shard-total': '1', 'annotate-node': '24' });
  });

  it('reads a full version in .nvmrc as its major', () => {
    const run = plan({ SUITE_SHARDS: '2', NODE_VERSIONS: '[22, 24]' }, 'v24.11.0\n');
    assert.equal(outputs(run)['annotate-node'], '24');
  });

  for (const shards of ['0', '21', 'three', '', '2.5']) {
    it(`refuses SUITE_SHARDS=${shards || '(empty)'}`, () => {
      const run = plan({ SUITE_SHARDS: shards, NODE_VERSIONS: '[24]' });
      assert.equal(run.code, 1);
      assert.match(run.stdout, new RegExp(`::error title=plan::SUITE_SHARDS=${shards.replace('.', '\\.')}: expected a whole number of shards from 1 to 20`));
      assert.equal(run.githubOutput, '');
    });
  }

  for (const nodes of ['', '[]', '22,24', '["24"]', '[24.5]', '{"node": 24}']) {
    it(`refuses NODE_VERSIONS=${nodes || '(empty)'}`, () => {
      const run = plan({ SUITE_SHARDS: '3', NODE_VERSIONS: nodes });
      assert.equal(run.code, 1);
      assert.match(run.stdout, /::error title=plan::NODE_VERSIONS=.*: expected a JSON list of Node\.js major versions/);
    });
  }

  it('refuses a Node list without the version .nvmrc names, and a missing .nvmrc', () => {
    const left = plan({ SUITE_SHARDS: '3', NODE_VERSIONS: '[22, 26]' });
    assert.equal(left.code, 1);
    assert.match(left.stdout, /::error title=plan::\.nvmrc names Node 24, which NODE_VERSIONS=\[22,26\] leaves out/);
    const missing = plan({ SUITE_SHARDS: '3', NODE_VERSIONS: '[24]' }, null);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /::error title=plan::\.nvmrc not found/);
  });
});
