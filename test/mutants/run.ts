/**
 * `npm run mutation [-- <mutant name> …]`: does the suite catch the defects it claims to?
 *
 * Starts Redis Cluster and PostgreSQL once, then for each planted defect (test/mutants/*.patch)
 * applies it to a scratch copy of the project, starts that copy's services as child processes
 * (process mode) with a database of its own, and runs the suite against them as an external
 * target (with a fault-injection server, so @infra scenarios run too), failing fast: first the
 * scenarios that prove the promise the defect breaks (docs/coverage.md), and only if they all
 * pass, every other scenario but the @infra ones. A mutant is killed when a scenario fails. The
 * same run on the unchanged copy comes first: a suite that fails there would "kill" everything.
 *
 * Prints the kill matrix (and writes reports/mutation.md), exits 1 if any mutant survived, a
 * patch no longer applies, or the unchanged system failed. HEAVY_LOCK=<file> makes each mutant
 * (and the container start) wait for that lock (flock), so a shared machine runs one heavy job
 * at a time without this run holding the lock between mutants.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scenariosInFeatures } from '../coverage/coverage.ts';
import { ROOT } from '../coverage/promises-in-docs.ts';
import { proofs } from '../coverage/promises.ts';
import { mutants, type Mutant } from '../coverage/mutants.ts';
import { makeScratchCopy } from '../scratch-copy.ts';
import { applyTestcontainersDefaults, assertContainerRuntime, startTestEnvironment, type TestEnvironment } from '../../environment/test-environment.ts';
import { registerTeardown, runTeardowns } from '../../environment/teardown.ts';
import { cucumber, startSystemRun, withHeavyLock } from './system-run.ts';

const log = (line: string) => process.stderr.write(`[mutation ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

type Outcome = { name: string; breaks: string; killed: boolean; by?: string; error?: string; seconds: number; stage: 'targeted' | 'whole suite' };

const wanted = process.argv.slice(2);
const chosen = wanted.length ? mutants.filter((m) => wanted.includes(m.name)) : mutants;
if (wanted.length && chosen.length !== wanted.length) throw new Error(`no such mutant: ${wanted.filter((w) => !mutants.some((m) => m.name === w)).join(', ')}`);

const scratch = makeScratchCopy('ticket-rush-mutation-');
// Registered first, so it runs last (after the services that run from it), on a signal too.
registerTeardown('scratch copy', async () => rmSync(scratch, { recursive: true, force: true }));
const scenarios = scenariosInFeatures(ROOT);
process.on('SIGINT', () => void runTeardowns().finally(() => process.exit(130)));
process.on('SIGTERM', () => void runTeardowns().finally(() => process.exit(143)));

let exitCode = 0;
try {
  for (const mutant of chosen) applyMutant(mutant, { check: true });
  applyTestcontainersDefaults();
  await assertContainerRuntime();
  const environment = await withHeavyLock(() => startTestEnvironment(log));
  const started = Date.now();

  // The unchanged system must pass everything a mutant is judged by.
  const clean = await runOne(environment, undefined, 0);
  log(`unchanged system: ${clean.killed ? `FAILED (${clean.by}: ${clean.error})` : 'passed'} in ${clean.seconds} s`);
  const outcomes: Outcome[] = [];
  if (clean.killed) exitCode = 1;
  else {
    for (const [i, mutant] of chosen.entries()) {
      const outcome = await runOne(environment, mutant, i + 1);
      outcomes.push(outcome);
      log(`${mutant.name}: ${outcome.killed ? `killed by ${outcome.by}` : 'SURVIVED'} (${outcome.seconds} s)`);
    }
  }
  const report = killMatrix(outcomes, Math.round((Date.now() - started) / 1000));
  console.log(report);
  mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
  writeFileSync(path.join(ROOT, 'reports', 'mutation.md'), report);
  if (outcomes.some((o) => !o.killed)) exitCode = 1;
} catch (error) {
  log((error as Error).stack ?? String(error));
  exitCode = 1;
} finally {
  await runTeardowns();
}
process.exit(exitCode);

/** The project as committed and changed in the working tree, without reports, in a git repo of its own. */
/** Back to the unchanged copy, then the mutant's patch (or only a check that it applies). */
function applyMutant(mutant: Mutant | undefined, options: { check?: boolean } = {}): void {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: scratch, encoding: 'utf8' });
  git('checkout', '-q', '--', '.');
  git('clean', '-fdq', '-e', 'node_modules', '-e', 'reports', '-e', 'service-logs');
  if (!mutant) return;
  const applied = git('apply', ...(options.check ? ['--check'] : []), mutant.patchFile);
  if (applied.status !== 0) throw new Error(`mutant ${mutant.name} no longer applies (refresh its patch): ${applied.stderr.trim()}`);
}

async function runOne(environment: TestEnvironment, mutant: Mutant | undefined, index: number): Promise<Outcome> {
  const name = mutant?.name ?? 'unchanged';
  applyMutant(mutant);
  // In the checkout, not the scratch copy: a system that fails to start says to look there.
  const logDir = path.join(ROOT, 'reports', 'logs', 'mutation', name);
  return withHeavyLock(async () => {
    const started = Date.now();
    const system = await startSystemRun({ environment, root: scratch, database: `mutant_${index}_${process.pid}`, logDir });
    try {
      const targeted = mutant ? proofScenarios(mutant.breaks) : [];
      // The unchanged system runs every scenario a mutant could be judged by.
      const stages: [Outcome['stage'], string[]][] = mutant ? [['targeted', targeted], ['whole suite', ['--tags', 'not @infra']]] : [['whole suite', []]];
      for (const [stage, args] of stages) {
        const result = await cucumber(scratch, args, system.env);
        if (result.failed) return { name, breaks: mutant?.breaks ?? '', killed: true, ...result.failed, seconds: Math.round((Date.now() - started) / 1000), stage };
      }
      return { name, breaks: mutant?.breaks ?? '', killed: false, seconds: Math.round((Date.now() - started) / 1000), stage: 'whole suite' };
    } finally {
      await system.stop();
    }
  });
}

/** The scenarios that prove a promise, as feature:line arguments. */
function proofScenarios(id: string): string[] {
  const proof = proofs.find((p) => p.id === id);
  if (!proof) throw new Error(`no proof "${id}" in test/coverage/promises.ts`);
  return Object.keys(proof.scenarios).map((ref) => {
    const at = scenarios.get(ref);
    if (!at) throw new Error(`proof "${id}" names a scenario that does not exist: ${ref}`);
    return `${at.file}:${at.line}`;
  });
}

function killMatrix(outcomes: Outcome[], seconds: number): string {
  const killed = outcomes.filter((o) => o.killed).length;
  const lines = [
    `# Mutation run: ${killed} of ${outcomes.length} planted defects caught, in ${Math.round(seconds / 60)} min`,
    '',
    '| mutant | breaks | caught by | first error line | s |',
    '|---|---|---|---|---:|',
    ...outcomes.map(
      (o) =>
        `| ${o.name} | ${o.breaks} | ${o.killed ? `${o.by}${o.stage === 'whole suite' ? ' (not by its own proofs)' : ''}` : '**SURVIVED**'} | ${(o.error ?? '').replace(/\|/g, '\\|').slice(0, 160)} | ${o.seconds} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
