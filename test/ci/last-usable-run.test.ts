import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CiCase } from './ci-script.ts';

const ARTIFACT = 'e2e-reports-node24';
const BASE_SHA = 'b'.repeat(40);
const OTHER_SHA = 'a'.repeat(40);
const env = { BRANCH: 'main', PREFERRED_SHA: BASE_SHA, ARTIFACT };

type Run = { databaseId: number; headSha?: string; status?: string; conclusion: string };
const runs = (...list: Run[]) => list.map((r) => ({ headSha: OTHER_SHA, status: 'completed', ...r }));
const results = (commit: string) => JSON.stringify({ schema: 1, commit, branch: 'main', createdAt: '2026-12-01T00:00:00Z', partial: false, scenarios: {} });
const downloads = (calls: string[]) => calls.filter((c) => c.startsWith('run download'));

/** Every way the previous run can be missing must leave the job running, on the committed baseline. */
function assertFallback(run: ReturnType<CiCase['run']>, reason: RegExp) {
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, reason);
  assert.match(run.stdout, /comparing with the committed reports\/baseline\.json/);
  assert.equal(run.githubEnv, '', 'no E2E_BASELINE when there is no usable run');
  assert.ok(!existsSync(path.join(run.workDir, 'reports/history')), 'no history carried forward');
}

describe('scripts/ci/last-usable-run.sh: the baseline and history from the last usable run', () => {
  it('on the first pull request (the workflow is not on the default branch: gh answers 404), runs on without a baseline', () => {
    const run = new CiCase()
      .answer('run-list.fail', 'HTTP 404: Not Found (https://api.github.com/repos/ticket-rush/qa-kit/actions/workflows/e2e.yml)\n')
      .run('last-usable-run.sh', env);
    assertFallback(run, /e2e\.yml has no runs on main yet/);
    assert.deepEqual(downloads(run.calls), []);
  });

  it('with no run on the base branch yet, runs on without a baseline', () => {
    const run = new CiCase().answer('run-list.json', []).run('last-usable-run.sh', env);
    assertFallback(run, /no completed \(successful or failed\) run of e2e\.yml on main/);
  });

  it('with only cancelled (and unfinished) runs, downloads nothing and runs on without a baseline', () => {
    const run = new CiCase()
      .answer('run-list.json', runs({ databaseId: 3, conclusion: 'cancelled' }, { databaseId: 2, status: 'in_progress', conclusion: '' }, { databaseId: 1, conclusion: 'cancelled' }))
      .artifact(1, ARTIFACT, { 'results.json': results(OTHER_SHA) })
      .run('last-usable-run.sh', env);
    assertFallback(run, /no completed/);
    assert.deepEqual(downloads(run.calls), []);
  });

  it('skips the newest run when its artifact holds no results.json, and takes the next one with its history', () => {
    const run = new CiCase()
      .answer('run-list.json', runs({ databaseId: 20, conclusion: 'failure' }, { databaseId: 10, conclusion: 'success' }))
      .artifact(20, ARTIFACT, { 'summary.md': 'the suite never finished' })
      .artifact(10, ARTIFACT, { 'results.json': results(OTHER_SHA), 'history/2026-11-30.json': '{"run":1}', 'history/2026-12-01.json': '{"run":2}' })
      .run('last-usable-run.sh', env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /run 20 .*holds no results\.json/);
    const baseline = run.githubEnv.trim().replace(/^E2E_BASELINE=/, '');
    assert.match(run.githubEnv, /^E2E_BASELINE=.*\/last-run\/10\/results\.json\n$/);
    assert.equal(JSON.parse(readFileSync(baseline, 'utf8')).commit, OTHER_SHA);
    assert.match(run.stdout, /baseline: results\.json of run 10 \(the newest usable run on main/);
    assert.deepEqual(readdirSync(path.join(run.workDir, 'reports/history')).sort(), ['2026-11-30.json', '2026-12-01.json']);
    assert.match(run.stdout, /history: 2 earlier run\(s\) carried forward from run 10/);
  });

  it('skips a run whose artifact is missing (expired, or never uploaded)', () => {
    const run = new CiCase()
      .answer('run-list.json', runs({ databaseId: 20, conclusion: 'success' }, { databaseId: 10, conclusion: 'success' }))
      .artifact(10, ARTIFACT, { 'results.json': results(OTHER_SHA) })
      .run('last-usable-run.sh', env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /run 20 .*no artifact e2e-reports-node24 to download \(no valid artifacts found to download\)/);
    assert.match(run.githubEnv, /last-run\/10\/results\.json/);
    assert.match(run.stdout, /history: run 10 kept none; it starts with this run/);
  });

  it('prefers the run of the pull request\'s base commit over newer runs', () => {
    const run = new CiCase()
      .answer('run-list.json', runs({ databaseId: 30, conclusion: 'success' }, { databaseId: 20, headSha: BASE_SHA, conclusion: 'failure' }, { databaseId: 10, conclusion: 'success' }))
      .artifact(30, ARTIFACT, { 'results.json': results(OTHER_SHA) })
      .artifact(20, ARTIFACT, { 'results.json': results(BASE_SHA) })
      .run('last-usable-run.sh', env);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(downloads(run.calls).map((c) => c.split(' ')[2]), ['20']);
    assert.match(run.stdout, /baseline: results\.json of run 20 \(the run of the base commit, commit b{40}, failure\)/);
  });

  it('asks for push runs of the given branch and workflow, not a hard-coded main', () => {
    const run = new CiCase().answer('run-list.json', []).run('last-usable-run.sh', { ...env, BRANCH: 'release/2026' });
    assert.match(run.calls[0], /^run list --repo ticket-rush\/qa-kit --workflow e2e\.yml --branch release\/2026 --event push /);
  });

  it('in a merge queue, takes the merge group\'s base ref (refs/heads/main) as the branch main', () => {
    const run = new CiCase().answer('run-list.json', []).run('last-usable-run.sh', { ...env, BRANCH: 'refs/heads/main' });
    assert.match(run.calls[0], /^run list --repo ticket-rush\/qa-kit --workflow e2e\.yml --branch main --event push /);
  });

  it('on an API error listing the runs, runs on without a baseline', () => {
    const run = new CiCase().answer('run-list.fail', 'HTTP 502: Bad Gateway (https://api.github.com/repos/ticket-rush/qa-kit/actions/workflows/e2e.yml/runs)\n').run('last-usable-run.sh', env);
    assertFallback(run, /listing the runs of e2e\.yml on main failed: HTTP 502/);
  });

  it('on an API error downloading, tries the next run', () => {
    const run = new CiCase()
      .answer('run-list.json', runs({ databaseId: 20, conclusion: 'success' }, { databaseId: 10, conclusion: 'success' }))
      .answer('download-20.fail', 'HTTP 500: Internal Server Error\n')
      .artifact(10, ARTIFACT, { 'results.json': results(OTHER_SHA) })
      .run('last-usable-run.sh', env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /run 20 .*HTTP 500/);
    assert.match(run.githubEnv, /last-run\/10\/results\.json/);
  });

  it('on a pull request from a fork whose token may not read the runs (403), runs on without a baseline', () => {
    const run = new CiCase().answer('run-list.fail', 'HTTP 403: Resource not accessible by integration\n').run('last-usable-run.sh', env);
    assertFallback(run, /failed: HTTP 403/);
  });

  it('gives up after five runs without a usable artifact', () => {
    const list = runs(...[70, 60, 50, 40, 30, 20, 10].map((databaseId) => ({ databaseId, conclusion: 'success' })));
    const run = new CiCase().answer('run-list.json', list).run('last-usable-run.sh', env);
    assertFallback(run, /none of the last 5 completed run\(s\) on main left a usable e2e-reports-node24/);
    assert.equal(downloads(run.calls).length, 5);
  });

  it('ignores a base commit that is not a commit id', () => {
    const run = new CiCase()
      .answer('run-list.json', runs({ databaseId: 10, conclusion: 'success' }))
      .artifact(10, ARTIFACT, { 'results.json': results(OTHER_SHA) })
      .run('last-usable-run.sh', { ...env, PREFERRED_SHA: '"; exit 1; "' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.githubEnv, /last-run\/10\/results\.json/);
  });
});
