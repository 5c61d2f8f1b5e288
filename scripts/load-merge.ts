/**
 * `npm run load:merge -- <generator files…> [--clock-skew-ms=<ms>]`: one report from the files
 * of a run's generators (`npm run load -- <scenario> --generator i/n`): histograms merged, the
 * scenario's checks run over every generator's fans against the target's state, read now. The
 * target is the one the generators ran against, given by the same E2E_* variables (its Redis
 * and PostgreSQL must be reachable from here for the checks that read them). Exit code 0 when
 * the merged run passed, 1 when not, 2 when the files are not one whole run.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readGeneratorFile } from '../load/fleet/generator-file.ts';
import { mergeRun } from '../load/fleet/merge-run.ts';
import { oneWholeRun } from '../load/fleet/one-run.ts';
import { findScenario } from '../load/scenarios/index.ts';
import { externalLoadTarget } from '../load/target.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const log = (line: string) => console.log(`[load:merge ${new Date().toISOString().slice(11, 19)}] ${line}`);

const usage = `usage: npm run load:merge -- <generator files…> [--clock-skew-ms=<ms>]
  the files every generator of one run wrote (reports/load/generators/<scenario>[-smoke]-<i>-of-<n>.json),
  with the target's E2E_* variables set as for the generators (E2E_CORE_URL, E2E_QUEUE_URLS,
  E2E_ADMIN_TOKEN, E2E_REDIS_NODES, E2E_REDIS_NAT_MAP, E2E_DATABASE_URL)
  --clock-skew-ms=<ms>   how far apart the generators' clocks may be (default 10): order across
                         generators is compared only between events further apart than that`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'clock-skew-ms': { type: 'string', default: '10' }, help: { type: 'boolean', default: false } },
});
if (values.help || positionals.length === 0) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
const clockSkewMs = Number(values['clock-skew-ms']);
if (!(clockSkewMs >= 0)) {
  console.error(`--clock-skew-ms takes a number of milliseconds, at least 0\n${usage}`);
  process.exit(2);
}

let files;
try {
  // Refused before anything else: files that are not one whole run are never merged.
  files = oneWholeRun(positionals.map((file) => ({ path: file, content: readGeneratorFile(path.resolve(file)) })));
} catch (error) {
  console.error(`[load:merge] ${(error as Error).message}`);
  process.exit(2);
}

let exitCode = 2;
try {
  const report = await mergeRun(files, findScenario, externalLoadTarget(), {
    clockSkewMs,
    reportDir: path.join(ROOT, 'reports', 'load'),
    http: { connections: 8, pipelining: 1, timeoutMs: 30_000 },
    log,
  });
  exitCode = report.passed ? 0 : 1;
} catch (error) {
  console.error(`[load:merge] ${(error as Error).message}`);
}
log(`exit code ${exitCode}`);
process.exit(exitCode);
