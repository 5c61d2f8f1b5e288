import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ciRunUrl, readHistory, recordRun, type HistoryEntry } from '../../scripts/report/history.ts';

const entry = (minute: number, status: 'passed' | 'failed' = 'passed'): HistoryEntry => ({
  schema: 1,
  commit: `commit${minute}`,
  branch: 'main',
  createdAt: '',
  partial: false,
  scenarios: { s: { status, durationMs: 10, flaky: false } },
  run: { startedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(), node: 'v24', target: 'containers' },
  gate: { passed: status === 'passed', reasons: [] },
});

describe('reports/history/', () => {
  it('keeps one file per run, the newest ones up to the cap, oldest first', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'history-'));
    for (const minute of [3, 1, 4, 2, 5]) recordRun(dir, entry(minute), 3);
    assert.deepEqual(readHistory(dir).map((e) => e.commit), ['commit3', 'commit4', 'commit5']);
    assert.equal(readdirSync(dir).length, 3);
  });

  it('replaces a run recorded again (a re-rendered report) instead of adding it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'history-'));
    recordRun(dir, entry(1));
    const kept = recordRun(dir, entry(1, 'failed'));
    assert.deepEqual(kept.map((e) => e.scenarios.s.status), ['failed']);
  });

  it('leaves out files that are not history entries, and reads a missing folder as empty', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'history-'));
    recordRun(dir, entry(1));
    writeFileSync(path.join(dir, 'truncated.json'), '{"schema": 1, "scen');
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ schema: 1, scenarios: {} }));
    assert.equal(readHistory(dir).length, 1);
    assert.deepEqual(readHistory(path.join(dir, 'nowhere')), []);
  });

  it("names the CI run that made an entry from GitHub Actions' environment", () => {
    assert.equal(
      ciRunUrl({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'ticket-rush/qa-kit', GITHUB_RUN_ID: '42' }),
      'https://github.com/ticket-rush/qa-kit/actions/runs/42',
    );
    assert.equal(ciRunUrl({}), undefined);
  });
});
