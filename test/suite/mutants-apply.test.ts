import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { mutants } from '../coverage/mutants.ts';

// Every planted defect must still apply to the tree as it is: a move or an edit that leaves a
// patch stale is found here, in seconds, not at the start of a ten-minute mutation run.
const ROOT = path.resolve(import.meta.dirname, '..', '..');

test('every mutant of test/mutants/ applies to the reference system as it is now', () => {
  const stale = mutants.flatMap((mutant) => {
    const check = spawnSync('git', ['apply', '--check', mutant.patchFile], { cwd: ROOT, encoding: 'utf8' });
    return check.status === 0 ? [] : [`${mutant.name}: ${check.stderr.trim()}`];
  });
  assert.deepEqual(stale, [], `refresh these patches:\n${stale.join('\n')}`);
});
