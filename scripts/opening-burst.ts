/**
 * `npm run measure:opening-burst [-- RUNS]`: a sale opening right after start-up. Per run (RUNS,
 * or OPENING_BURST_RUNS, default 10) it starts what `npm run stack` and the suite start (Redis
 * Cluster, PostgreSQL, the reference system with durable writes on), and the moment that says
 * ready, 1,000 fans enter one concert in the same instant. Every fan must get a 2xx. Writes
 * reports/opening-burst.json, prints one line per run, exits 1 unless every run passed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startManagedTarget } from '../environment/managed-target.ts';
import { runTeardowns } from '../environment/teardown.ts';
import { allSucceeded, openingBurst, type BurstResult } from './opening-burst/burst.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? process.env.OPENING_BURST_RUNS ?? 10);
const log = (line: string) => console.error(`[opening-burst ${new Date().toISOString().slice(11, 19)}] ${line}`);

process.on('SIGINT', () => void runTeardowns().then(() => process.exit(130)));
process.on('SIGTERM', () => void runTeardowns().then(() => process.exit(143)));

const results: (BurstResult & { run: number; passed: boolean })[] = [];
let exitCode = 0;
try {
  for (let run = 1; run <= runs; run++) {
    const target = await startManagedTarget(() => undefined, path.join(ROOT, 'reports', 'logs', `opening-burst-${run}`));
    try {
      const result = await openingBurst(target.target);
      results.push({ run, passed: allSucceeded(result), ...result });
      log(`run ${run}/${runs}: ${JSON.stringify(result.statuses)} in ${result.wallMs} ms (slowest answer ${result.slowestMs} ms)${result.errors.length ? `; ${result.errors.join('; ')}` : ''}`);
    } finally {
      await target.stop();
    }
  }
} catch (error) {
  console.error((error as Error).stack);
  exitCode = 1;
} finally {
  await runTeardowns();
}

mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
writeFileSync(path.join(ROOT, 'reports', 'opening-burst.json'), JSON.stringify({ runs, results }, null, 2));
const passed = results.filter((r) => r.passed).length;
console.log(`opening burst: ${passed} of ${runs} runs with every one of 1,000 fans answered 2xx`);
process.exit(exitCode || (passed === runs ? 0 : 1));
