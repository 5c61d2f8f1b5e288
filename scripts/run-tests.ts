/**
 * `npm test` runs the fast tier: every test file but the heavy ones, two files at a time, in
 * under a minute on a 2-core machine (the inner loop). `npm run test:heavy` runs the heavy
 * ones one at a time, so their timing and load figures have the CPU to themselves; .ci/run
 * and the PR gate run both. A new test file is fast unless it is listed here.
 *
 * `node scripts/run-tests.ts fast|heavy [node --test options]`
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Test files that take long or load the machine, and why. */
const HEAVY: Record<string, string> = {
  'test/lua/promote-performance.test.ts': 'promote.lua over 300,000 entries, timed',
  'test/lua/promote-race.test.ts': 'ten promoters racing while 3,000 fans enter',
  'test/fuzz/malformed-requests.test.ts': 'over 5,000 generated requests against every service',
  'test/load/load-smoke.test.ts': 'the load tool end to end against the whole system',
  'test/load/open-model.test.ts': 'arrival-rate timing of the load generator',
  'test/environment/fault-server.test.ts': 'kills and restarts Redis nodes, PostgreSQL and services',
  'test/environment/brought-image.test.ts': 'builds a broken queue image and runs a feature of the suite against it',
  'test/environment/service-images.test.ts': 'builds the service images, stops one in the middle of a request',
  'test/queue/opening-burst.test.ts': 'the whole managed system started, then 1,000 fans at once',
};

const tiers = {
  fast: { concurrency: 2, pick: (file: string) => !(file in HEAVY) },
  heavy: { concurrency: 1, pick: (file: string) => file in HEAVY },
};

function testFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return file === 'test/fixtures' ? [] : testFiles(file);
    return entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

const [tierName, ...options] = process.argv.slice(2);
const tier = tiers[tierName as keyof typeof tiers];
if (!tier) {
  console.error(`usage: node scripts/run-tests.ts ${Object.keys(tiers).join('|')} [node --test options]`);
  process.exit(2);
}
// A renamed or deleted heavy test must not silently move into the fast tier's place.
const stale = Object.keys(HEAVY).filter((file) => !existsSync(path.join(ROOT, file)));
if (stale.length) {
  console.error(`scripts/run-tests.ts lists heavy tests that do not exist: ${stale.join(', ')}`);
  process.exit(2);
}
const files = testFiles('test').filter(tier.pick).sort();
const run = spawnSync(process.execPath, ['--test', `--test-concurrency=${tier.concurrency}`, ...options, ...files], {
  cwd: ROOT,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
