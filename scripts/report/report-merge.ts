/**
 * `npm run report:merge [-- --reports DIR --baseline FILE] SHARD_OUTPUT...`: the whole run of a
 * sharded suite (`npx cucumber-js --shard i/n` on one or several machines), from the folders the
 * shards wrote (reports/shards/<i>-of-<n>/, or their CI artifacts). Writes into reports/ (or DIR)
 * what an unsharded run writes: one HTML report, one JUnit, one summary, one history entry and
 * one gate verdict (scripts/report/merge-shards.ts).
 *
 * Exit code: 0 when the merged gate passed; 1 when it failed, when a shard's cucumber run failed
 * or when a shard found a secret in its outputs; 2 when the outputs are not one whole run (a
 * shard missing or given twice, shards of another commit, total or invocation) and nothing
 * was merged.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { shardLabel } from '../../environment/cucumber-shard.ts';
import { mergeShards } from './merge-shards.ts';
import { scanForSecrets } from '../secret-scan.ts';
import { ShardSetError } from './shard-set.ts';

const { values, positionals } = parseArgs({
  options: { baseline: { type: 'string' }, reports: { type: 'string' } },
  allowPositionals: true,
});
const reportsDir = path.resolve(values.reports ?? 'reports');
const shown = (file: string) => path.relative(process.cwd(), file);

try {
  const merged = await mergeShards(positionals.map((dir) => path.resolve(dir)), reportsDir, { baseline: values.baseline });
  const failures: string[] = [];
  console.log(`merged:   ${merged.shards.map((s) => `${shardLabel(s.meta.shard)} (${shown(s.dir)})`).join(', ')}: ${merged.results.scenarios.length} scenarios`);
  console.log(`summary:  ${shown(merged.summaryPath)}`);
  console.log(`html:     ${merged.htmlPath ? shown(merged.htmlPath) : '(no cucumber JSON)'}`);
  console.log(`junit:    ${shown(path.join(reportsDir, 'junit.xml'))}`);
  console.log(`baseline: ${merged.baseline.source}${merged.baseline.found ? '' : ' (not found)'}`);
  console.log(`history:  ${merged.history.length} run(s)`);
  for (const shard of merged.shards.filter((s) => s.meta.exitCode !== 0)) {
    failures.push(`shard ${shardLabel(shard.meta.shard)}: cucumber's own verdict failed (exit code ${shard.meta.exitCode})`);
  }
  failures.push(...merged.verdict.reasons.map((reason) => `gate: ${reason}`));
  failures.push(...merged.leaks.map((leak) => `SECRET IN OUTPUT: ${leak}`));
  // A shard scanned with its own secrets; no secret values travel, but a complete queue token is recognisable anywhere.
  failures.push(...scanForSecrets(reportsDir, []).map((leak) => `SECRET IN OUTPUT: ${leak.what} in ${shown(leak.file)}:${leak.line}`));
  console.log(`gate:     ${merged.verdict.passed ? 'passed' : 'failed'}`);
  for (const failure of failures) console.log(`  ${failure}`);
  process.exitCode = failures.length ? 1 : 0;
} catch (error) {
  if (error instanceof ShardSetError) {
    console.error(`report:merge: refused: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(`report:merge: ${(error as Error).stack}`);
    process.exitCode = 1;
  }
}
