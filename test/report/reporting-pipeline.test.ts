import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseEnvelope, TestStepResultStatus, type Envelope } from '@cucumber/messages';
import { githubAnnotations } from '../../scripts/report/github-annotations.ts';
import { renderReports, type RenderedReports } from '../../scripts/report/render-reports.ts';
import type { ScenarioResult } from '../../scripts/report/scenario-results.ts';
import { runFixtureSuite, type FixtureRun } from './run-fixture-suite.ts';

const BASELINE = path.resolve(import.meta.dirname, '../fixtures/report-suite/baseline.json');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

/**
 * The whole reporting pipeline on a real cucumber run of test/fixtures/report-suite: parallel
 * workers, @serial, @flaky retries, capability skips, the failed-exchange attachment, then the
 * summary, the regression diff, JUnit and annotations rendered from that run's outputs.
 */
describe('reporting pipeline on a real fixture run', () => {
  let run: FixtureRun;
  let rendered: RenderedReports;
  let envelopes: Envelope[];
  const scenario = (name: string): ScenarioResult => {
    const found = rendered.results.scenarios.find((s) => s.name === name);
    assert.ok(found, `no result for scenario "${name}"`);
    return found;
  };

  before(async () => {
    run = await runFixtureSuite();
    rendered = await renderReports(run.reportsDir, { baseline: BASELINE });
    envelopes = readFileSync(path.join(run.reportsDir, 'messages.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(parseEnvelope);
  });
  after(() => rmSync(run.reportsDir, { recursive: true, force: true }));

  it('fails the run because one scenario failed', () => {
    assert.equal(run.exitCode, 1, run.output);
    assert.equal(rendered.results.scenarios.length, 11);
  });

  it('retries only @flaky scenarios and reports a retried pass as flaky', () => {
    const flaky = scenario('A flaky scenario passes on its second attempt');
    assert.deepEqual([flaky.status, flaky.attempts, flaky.flaky], ['passed', 2, true]);
    assert.deepEqual(flaky.retriedErrors, ['first attempt fails on purpose']);
    const failed = scenario('A failing status check shows the exchange that failed');
    assert.deepEqual([failed.status, failed.attempts, failed.flaky], ['failed', 1, false]);
    assert.equal(failed.error, 'Expected values to be strictly equal: 503 !== 200');
  });

  it('attaches the masked HTTP exchanges to the failed step itself', () => {
    const failedStep = envelopes.find((e) => e.testStepFinished?.testStepResult.status === TestStepResultStatus.FAILED && !e.testStepFinished.testStepResult.message?.includes('first attempt'));
    assert.ok(failedStep?.testStepFinished, 'no failed step in the messages');
    const attachments = envelopes
      .map((e) => e.attachment)
      .filter((a) => a?.testStepId === failedStep.testStepFinished!.testStepId && a.testCaseStartedId === failedStep.testStepFinished!.testCaseStartedId);
    const transcript = attachments.find((a) => a?.fileName === 'http-exchanges.txt')?.body ?? '';
    assert.match(transcript, /GET \/api\/v1\/queue\/status → 503/);
    assert.match(transcript, /> x-queue-token: \*\*\*masked:[0-9a-f]{8}\*\*\*/);
    assert.match(transcript, /> authorization: Bearer \*\*\*masked:[0-9a-f]{8}\*\*\*/);
    assert.match(transcript, /"message": "status lookup for \*\*\*masked:[0-9a-f]{8}\*\*\* failed"/);
    assert.deepEqual(
      transcript.match(/^#\d .*$/gm)?.map((line) => line.replace(/ \(\d+ ms\)$/, '')),
      ['#1 POST /admin/concerts → 201', '#2 POST /api/v1/queue/enter → 201', '#3 GET /api/v1/queue/status → 503'],
    );
  });

  it('leaves no queue token or admin token in any report file', () => {
    assert.ok(run.issuedTokens.length >= 2);
    const secrets = [...run.issuedTokens, run.adminToken];
    for (const file of filesUnder(run.reportsDir)) {
      const text = readFileSync(file, 'latin1');
      const base64 = readFileSync(file, 'utf8');
      for (const secret of secrets) {
        assert.ok(!text.includes(secret), `${path.relative(run.reportsDir, file)} contains a secret`);
        // The JSON report stores attachments base64-encoded; check the decoded form too.
        for (const encoded of base64.match(/[A-Za-z0-9+/=]{200,}/g) ?? []) {
          assert.ok(!Buffer.from(encoded, 'base64').toString('utf8').includes(secret), `${file} hides a secret in base64`);
        }
      }
    }
  });

  it('never runs a @serial scenario beside another one, while ordinary scenarios do run in parallel', () => {
    const all = rendered.results.scenarios;
    const overlaps = (a: ScenarioResult, b: ScenarioResult) => a.startedAtMs < b.finishedAtMs && b.startedAtMs < a.finishedAtMs;
    const serial = all.filter((s) => s.tags.includes('@serial'));
    assert.equal(serial.length, 2);
    for (const s of serial) {
      const beside = all.filter((other) => other !== s && overlaps(s, other)).map((other) => other.name);
      assert.deepEqual(beside, [], `${s.name} overlapped ${beside.join(', ')}`);
    }
    const ordinary = all.filter((s) => !s.tags.includes('@serial'));
    assert.ok(
      ordinary.some((a) => ordinary.some((b) => a !== b && overlaps(a, b))),
      'no two scenarios overlapped: the suite did not run in parallel',
    );
  });

  it('skips @infra and database scenarios on an external target, saying why', () => {
    const infra = scenario('Killing a Redis node needs the infrastructure');
    assert.equal(infra.status, 'skipped');
    assert.match(infra.skipReason ?? '', /needs infrastructure; the target is external/);
    const database = scenario('Checking the sale in PostgreSQL needs the database');
    assert.equal(database.status, 'skipped');
    assert.match(database.skipReason ?? '', /E2E_DATABASE_URL is not set/);
  });

  it('writes JUnit XML with the failure and the skips', () => {
    const junit = readFileSync(path.join(run.reportsDir, 'junit.xml'), 'utf8');
    assert.match(junit, /<testsuite name="ticket-rush e2e"[^>]* tests="11" skipped="2" failures="1" errors="0"/);
    assert.match(junit, /<testcase classname="Reporting fixture" name="A failing status check shows the exchange that failed"[^>]*>\s*<failure type="AssertionError" message="Expected values to be strictly equal:/);
  });

  it('diffs against the baseline', () => {
    assert.ok(rendered.baseline.found);
    const { diff } = rendered.baseline;
    const key = (name: string) => `test/fixtures/report-suite/features/${name}`;
    assert.deepEqual(diff.newlyFailing.map((c) => c.key), [key('reporting.feature: A failing status check shows the exchange that failed')]);
    assert.deepEqual(diff.newlyPassing.map((c) => c.key), [key('reporting.feature: A flaky scenario passes on its second attempt')]);
    assert.deepEqual(diff.added, [key('scheduling.feature: Ordinary scenario 4')]);
    assert.deepEqual(diff.removed, [key('reporting.feature: A scenario deleted since the baseline')]);
    assert.deepEqual(diff.notRun, []);
  });

  it('summarises counts, the gate, failures, flaky and skipped scenarios, the diff, flakiness over the history and the slowest ten', () => {
    const summary = readFileSync(rendered.summaryPath, 'utf8');
    assert.match(summary, /^## ❌ End-to-end: 1 failed, 8 passed \(1 flaky\), 2 skipped of 11 scenarios/);
    assert.match(summary, /\| 8 \| 1 \| 1 \| 2 \| 0 \| 11 \|/);
    assert.match(summary, /### Failed scenarios \(1\)[\s\S]*A failing status check[\s\S]*503 !== 200/);
    assert.match(summary, /### Flaky scenarios: passed only after a retry \(1\)[\s\S]*A flaky scenario passes on its second attempt \| `[^`]+` \| 2 \|/);
    assert.match(summary, /### Skipped scenarios \(2\)/);
    assert.match(summary, /\*\*Newly failing \(1\)\*\*/);
    assert.match(summary, /\*\*Newly passing \(1\)\*\*/);
    assert.match(summary, /\*\*Added \(1\)\*\*/);
    assert.match(summary, /\*\*Removed \(1\)\*\*/);
    assert.match(summary, /\*\*Gate failed\*\* \(1 reason\(s\)\):\n\n- newly failing: test\/fixtures\/report-suite\/features\/reporting\.feature: A failing status check shows the exchange that failed \(passed in the baseline\): Expected values/);
    assert.match(summary, /### Flaky over the last 20 runs \(1 in the history so far\)[\s\S]*A flaky scenario passes on its second attempt` \| 1 of 20 \| 5 % \|/);
    assert.match(summary, /### Newly slow\n\nThis run does not record its conditions, so no duration is judged\.\n\nSlow means more than 2× the expected duration[^\n]*\n\nNone\./);
    assert.equal(summary.match(/^\| \d+ \| .* \| \d+ ms \|/gm)?.length, 10, 'the slowest table lists ten scenarios');
  });

  it('annotates the failed and the flaky scenario for GitHub', () => {
    // In the order the scenarios finished, which parallel workers do not fix.
    const lines = githubAnnotations(rendered.results).sort();
    assert.deepEqual(
      lines.map((line) => line.split(' ')[0]),
      ['::error', '::warning'],
    );
    assert.match(lines[0], /file=test\/fixtures\/report-suite\/features\/reporting.feature,line=10,/);
    assert.match(lines[1], /title=Flaky%3A A flaky scenario passes on its second attempt::passed on attempt 2/);
  });
});
