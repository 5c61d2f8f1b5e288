/**
 * `npm run report:baseline [-- --force]`: makes the last run's results the committed baseline
 * (reports/baseline.json). Run the full suite first (`npm run e2e`), check the summary, then
 * commit the file. A filtered run (--tags, --name, paths) is refused without --force, because
 * it would make every scenario it left out look removed; so is a run in which nothing passed.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readResultsFile, toResultsFile, writeResultsFile } from './baseline.ts';
import { gitInfo, readRunMetadata } from '../../environment/run-metadata.ts';
import { readScenarioResults } from './scenario-results.ts';
import { refuseOneShard } from './shard-output.ts';

const { values } = parseArgs({
  options: { force: { type: 'boolean', default: false }, reports: { type: 'string' }, to: { type: 'string' } },
});
const reportsDir = path.resolve(values.reports ?? 'reports');
const target = path.resolve(values.to ?? path.join(reportsDir, 'baseline.json'));

function fail(message: string): never {
  console.error(`report:baseline: ${message}`);
  process.exit(1);
}

const messages = path.join(reportsDir, 'messages.ndjson');
if (!existsSync(messages)) fail(`${path.relative(process.cwd(), messages)} does not exist: run "npm run e2e" first`);
const meta = readRunMetadata(path.join(reportsDir, 'run.json'));
try {
  refuseOneShard(meta, reportsDir);
} catch (error) {
  fail((error as Error).message);
}
const results = readScenarioResults(messages);
if (results.scenarios.length === 0) fail('the last run has no scenario results');

const next = toResultsFile(results, meta ?? gitInfo());
if (meta) next.createdAt = meta.startedAt;
if (next.partial && !values.force) {
  fail(
    `the last run left out ${results.notRun.length} scenario(s) (filtered by ${meta?.cucumberArgs?.join(' ') || 'tags or paths'}); ` +
      'run the full suite, or pass --force',
  );
}

// A run in which nothing passed (an environment that never came up, a dry run) would make every
// later failure look old and every slowdown unmeasurable.
const passed = Object.values(next.scenarios).filter((s) => s.status === 'passed').length;
if (passed === 0 && !values.force) fail('no scenario passed in the last run: it cannot be a baseline; run the full suite, or pass --force');

const previous = readResultsFile(target);
writeResultsFile(target, next);
const failing = Object.entries(next.scenarios).filter(([, s]) => s.status !== 'passed' && s.status !== 'skipped');
console.log(`baseline written: ${path.relative(process.cwd(), target)} (${Object.keys(next.scenarios).length} scenarios, commit ${next.commit})`);
if (previous) console.log(`  replaced the one from commit ${previous.commit} (${Object.keys(previous.scenarios).length} scenarios)`);
if (failing.length) console.log(`  note: ${failing.length} scenario(s) are failing in it; they will not count as newly failing`);
console.log('  commit it: git add reports/baseline.json && git commit -m "Refresh e2e baseline: <why>"');
