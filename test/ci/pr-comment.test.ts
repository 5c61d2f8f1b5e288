import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CiCase } from './ci-script.ts';

const MARKER = '<!-- ticket-rush-e2e-summary -->';
const env = {
  PR_NUMBER: '7',
  PR_HEAD_REPO: 'ticket-rush/qa-kit',
  GITHUB_ACTOR: 'a-developer',
  RUN_URL: 'https://github.com/ticket-rush/qa-kit/actions/runs/99',
};
const threeLegs = (c: CiCase) =>
  c
    .files('e2e-reports/e2e-reports-node22', { 'summary.md': '## ✅ End-to-end: node 22 summary' })
    .files('e2e-reports/e2e-reports-node24', { 'summary.md': '## ❌ End-to-end: node 24 summary' })
    // The Node 26 leg died before the suite wrote its summary.
    .files('e2e-reports/e2e-reports-node26', { 'junit.xml': '<testsuite/>' });
const writes = (calls: string[]) => calls.filter((c) => /^api -X (POST|PATCH)/.test(c));

describe('scripts/ci/pr-comment.sh: one summary comment per pull request', () => {
  it('creates the comment with every Node version: the first in full, the others folded, a missing summary said', () => {
    const run = threeLegs(new CiCase()).answer('comments.json', []).run('pr-comment.sh', env, ['e2e-reports']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(writes(run.calls).length, 1);
    assert.match(writes(run.calls)[0], /^api -X POST repos\/ticket-rush\/qa-kit\/issues\/7\/comments -F body=@/);
    const body = run.posted ?? '';
    assert.ok(body.startsWith(MARKER), body);
    assert.match(body, /\*\*node22\*\*\n\n## ✅ End-to-end: node 22 summary/);
    assert.match(body, /<details><summary>node24<\/summary>\n\n## ❌ End-to-end: node 24 summary\n<\/details>/);
    assert.match(body, /<details><summary>node26<\/summary>\n\nNo summary: the node26 run ended before writing one\.\n<\/details>/);
    assert.match(body, /artifacts of \[this run\]\(https:\/\/github\.com\/ticket-rush\/qa-kit\/actions\/runs\/99\)/);
  });

  it('edits the bot comment carrying the marker instead of adding another', () => {
    const comments = [
      { id: 5, user: { type: 'User' }, body: `quoting ${MARKER}` },
      { id: 6, user: { type: 'Bot' }, body: 'another bot' },
      { id: 42, user: { type: 'Bot' }, body: `${MARKER}\nold summary` },
    ];
    const run = threeLegs(new CiCase()).answer('comments.json', comments).run('pr-comment.sh', env, ['e2e-reports']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(writes(run.calls).length, 1);
    assert.match(writes(run.calls)[0], /^api -X PATCH repos\/ticket-rush\/qa-kit\/issues\/comments\/42 /);
    assert.match(run.stdout, /updated the summary comment 42/);
  });

  it('says so when no leg uploaded any reports', () => {
    const run = new CiCase().run('pr-comment.sh', env, ['e2e-reports']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.posted ?? '', /No summary: no e2e job uploaded its reports\./);
  });

  it('on a pull request from a fork, calls nothing and stays green', () => {
    const run = threeLegs(new CiCase()).run('pr-comment.sh', { ...env, PR_HEAD_REPO: 'someone/qa-kit' }, ['e2e-reports']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.calls, []);
    assert.match(run.stdout, /::notice title=No PR comment::pull request from the fork someone\/qa-kit: its token is read-only/);
  });

  it('on a Dependabot pull request (read-only token), calls nothing and stays green', () => {
    const run = threeLegs(new CiCase()).run('pr-comment.sh', { ...env, GITHUB_ACTOR: 'dependabot[bot]' }, ['e2e-reports']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.calls, []);
    assert.match(run.stdout, /::notice title=No PR comment::pull request run by Dependabot/);
  });

  it('when the token is refused anyway (403), stays green and says why', () => {
    const run = threeLegs(new CiCase())
      .answer('api-write.fail', 'HTTP 403: Resource not accessible by integration (https://api.github.com/repos/ticket-rush/qa-kit/issues/7/comments)\n')
      .run('pr-comment.sh', env, ['e2e-reports']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /::notice title=No PR comment::the token may not write here: HTTP 403/);
  });

  it('fails on any other API error, naming it', () => {
    const run = threeLegs(new CiCase()).answer('api-get.fail', 'HTTP 502: Bad Gateway\n').run('pr-comment.sh', env, ['e2e-reports']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /::error title=PR comment::listing the pull request's comments failed: HTTP 502/);
    assert.deepEqual(writes(run.calls), []);
  });

  it('keeps the comment under GitHub\'s size limit', () => {
    const run = new CiCase()
      .files('e2e-reports/e2e-reports-node24', { 'summary.md': `## ❌ big\n${'| é row |\n'.repeat(9_000)}` })
      .run('pr-comment.sh', env, ['e2e-reports']);
    assert.equal(run.code, 0, run.stderr);
    const body = run.posted ?? '';
    assert.ok(body.length <= 65_100, `${body.length} characters`);
    assert.match(body, /… truncated; the full summary is in the job summary\.\n$/);
  });
});
