import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { coverageProblems, renderCoverage } from '../coverage/coverage.ts';
import { ROOT } from '../coverage/promises-in-docs.ts';

// docs/coverage.md is generated, never kept by hand: every promise of docs/api.md and of
// docs/guarantees.md must name the scenarios that prove it, and those scenarios must exist.

test('every documented promise is proved by scenarios that exist', () => {
  assert.deepEqual(coverageProblems(), []);
});

test('docs/coverage.md is what `npm run coverage` renders now', () => {
  const written = readFileSync(path.join(ROOT, 'docs', 'coverage.md'), 'utf8');
  assert.ok(written === renderCoverage(), 'docs/coverage.md is stale: run `npm run coverage` and commit it');
});
