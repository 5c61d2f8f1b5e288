/**
 * `npm run mutation:generated -- [--sample N] [--lua [N]] [--seed S] [--resume]`: the suite
 * against defects nobody chose. The hand-written catalogue (`npm run mutation`) holds what the
 * scenarios' authors thought of; this draws a uniform random sample of the mutants Stryker
 * Mutator generates over the reference system's TypeScript (stryker-mutants.ts) and, with
 * --lua, of the Lua scripts' mutants (lua-mutants.ts), and runs the whole suite against each.
 *
 *   --sample N   TypeScript mutants to draw (default 60; 0: none)
 *   --lua [N]    also N Lua mutants (default 20)
 *   --seed S     the sample's seed (default: a random one, printed and recorded)
 *   --resume     keep the results of an earlier run of the same commit, seed and sample sizes
 *                (reports/mutation-generated/results.json) and run only the rest
 *   --rerun      after closing gaps: run again, against the suite as it is now, the mutants the
 *                earlier run (same seed and sample sizes) left alive; the reference system and
 *                the Lua scripts must be as they were then. Each keeps its first outcome beside
 *                the new one.
 *   --at COMMIT  measure the project as it was at that commit (default: the working tree)
 *   --per-lock N mutants run per taking of HEAVY_LOCK (default 1); a few at a time keeps a
 *                long campaign from waiting behind every other job on a busy machine
 *   --from FILE  the earlier results --resume and --rerun read (default
 *                reports/mutation-generated/results.json; the last campaign's are kept in
 *                docs/mutation-results.json)
 *   --docs       also write the report into docs/mutation.md, as its last result
 *   --only IDS   with --rerun: only these mutants (comma-separated ids, as the report shows
 *                them; a Lua mutant's id starts with lua:), e.g. those whose gap was closed
 *
 * How: one scratch copy of the project with every mutant placed behind its switch; Redis
 * Cluster and PostgreSQL started once; first the unchanged system (no mutant active) runs every
 * scenario, which must all pass, while each service records which mutants' code it reached.
 * Then per mutant (holding HEAVY_LOCK, when set, for that mutant only): a fresh database, the
 * services started as child processes with __STRYKER_ACTIVE_MUTANT__ set (a Lua mutant: its
 * script rewritten in the copy), every scenario run against them as an external target,
 * failing fast, and the services stopped. The scenarios that cannot run there skip themselves
 * and say why (the network faults need containers).
 *
 * Outcome per mutant, in Stryker's words: killed (a scenario failed), survived, timeout (the
 * suite ran over 10 minutes: counted as killed, as Stryker does), no coverage (the unchanged
 * run never reached its code: survived without a run), runtime error (the system did not start:
 * neither). The kill rate is over the mutants not triaged equivalent (triage.ts), with a 95 %
 * Wilson score interval. Writes reports/mutation-generated.md and results.json beside it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../../coverage/promises-in-docs.ts';
import { makeScratchCopy } from '../../scratch-copy.ts';
import { applyTestcontainersDefaults, assertContainerRuntime, startTestEnvironment, type TestEnvironment } from '../../../environment/test-environment.ts';
import { registerTeardown, runTeardowns } from '../../../environment/teardown.ts';
import { cucumber, heavyLock, startSystemRun, withHeavyLock } from '../system-run.ts';
import { filesToMutate, instrument, type GeneratedMutant } from './stryker-mutants.ts';
import { luaMutants, type LuaMutant } from './lua-mutants.ts';
import { sample } from './sample.ts';
import { renderReport, writeLastResult, type Outcome, type RunRecord } from './report.ts';

const SUITE_TIMEOUT_MS = 10 * 60_000;
const log = (line: string) => process.stderr.write(`[mutation:generated ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const { values } = parseArgs({
  options: {
    sample: { type: 'string', default: '60' },
    lua: { type: 'string' },
    seed: { type: 'string' },
    resume: { type: 'boolean', default: false },
    rerun: { type: 'boolean', default: false },
    only: { type: 'string' },
    at: { type: 'string' },
    docs: { type: 'boolean', default: false },
    from: { type: 'string' },
    'per-lock': { type: 'string', default: '1' },
  },
  // `--lua` alone means the default Lua sample.
  args: process.argv.slice(2).flatMap((arg, i, all) => (arg === '--lua' && (all[i + 1] === undefined || all[i + 1].startsWith('--')) ? ['--lua', '20'] : [arg])),
});
const tsSample = Number(values.sample);
const luaSample = values.lua === undefined ? 0 : Number(values.lua);
if (!Number.isInteger(tsSample) || tsSample < 0 || !Number.isInteger(luaSample) || luaSample < 0) throw new Error('--sample and --lua take a whole number');
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(seed)) throw new Error('--seed takes a whole number');

const perLock = Number(values['per-lock']);
if (!Number.isInteger(perLock) || perLock < 1) throw new Error('--per-lock takes a whole number from 1');
const reportDir = path.join(ROOT, 'reports', 'mutation-generated');
const resultsFile = path.join(reportDir, 'results.json');
const commit = execFileSync('git', ['rev-parse', values.at ?? 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const dirty = !values.at && execFileSync('git', ['status', '--porcelain', '--', 'reference-system', 'lua'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';

const scratch = values.at ? copyOfCommit(commit) : makeScratchCopy('ticket-rush-generated-');
// Registered first, so it runs last: after the services that run from it are stopped.
registerTeardown('scratch copy', async () => rmSync(scratch, { recursive: true, force: true }));
process.on('SIGINT', () => void runTeardowns().finally(() => process.exit(130)));
process.on('SIGTERM', () => void runTeardowns().finally(() => process.exit(143)));

// Taken before a mutant runs, released after every `perLock` of them (and at the end).
const lock = heavyLock();
let exitCode = 0;
let firstRuns = new Map<string, NonNullable<Outcome['firstRun']>>();
try {
  // Every mutant placed in the copy; the sampling frame is all of them.
  const files = filesToMutate(scratch);
  const { instrumented, mutants } = await instrument(scratch, files);
  for (const [file, content] of instrumented) writeFileSync(path.join(scratch, file), content);
  const lua = luaMutants(scratch);
  const record: RunRecord = {
    date: new Date().toISOString(),
    commit: `${commit}${dirty ? ' (with uncommitted changes to reference-system/ or lua/)' : ''}`,
    seed,
    frame: { typescript: mutants.length, lua: lua.length, files: files.length },
    sampleSizes: { typescript: tsSample, lua: luaSample },
    outcomes: [],
  };
  // Both samples in one random order (each in its draw order): a run cut short has still run a
  // uniform sample of each.
  const drawn: (GeneratedMutant | LuaMutant)[] = sample([...sample(mutants, tsSample, seed), ...sample(lua, luaSample, seed)], tsSample + luaSample, seed + 1);
  log(`${mutants.length} TypeScript mutants in ${files.length} files, ${lua.length} Lua mutants; seed ${seed}: ${drawn.length} drawn`);

  const earlierFile = values.from ? path.resolve(values.from) : resultsFile;
  const earlier = (values.resume || values.rerun) && existsSync(earlierFile) ? (JSON.parse(readFileSync(earlierFile, 'utf8')) as RunRecord) : undefined;
  const sameSample = earlier && earlier.seed === seed && earlier.sampleSizes.typescript === tsSample && earlier.sampleSizes.lua === luaSample;
  if (values.rerun) {
    if (!sameSample) throw new Error(`--rerun: no earlier run of this seed and these sample sizes in ${earlierFile}`);
    const then = earlier.commit.slice(0, 40);
    const changed = execFileSync('git', ['diff', '--name-only', then, '--', 'reference-system', 'lua'], { cwd: ROOT, encoding: 'utf8' }).trim();
    if (changed) throw new Error(`--rerun: the mutants were drawn from ${then}, and these files changed since: ${changed.replace(/\n/g, ', ')}`);
    // The first run's commit and date stay; each mutant run again keeps its first outcome.
    Object.assign(record, { date: earlier.date, commit: earlier.commit, unchangedSeconds: earlier.unchangedSeconds, rerunCommit: record.commit, rerunDate: record.date });
    const only = values.only?.split(',').map((id) => id.trim());
    const again = (o: Outcome) => (o.status === 'survived' || o.status === 'no coverage') && (!only || only.includes(o.id));
    if (only?.some((id) => !earlier.outcomes.some((o) => o.id === id && again(o)))) throw new Error(`--only: not every one of ${only.join(', ')} is a mutant the earlier run left alive`);
    record.outcomes = earlier.outcomes.filter((o) => !again(o));
    firstRuns = new Map(earlier.outcomes.filter(again).map((o) => [o.id, o.firstRun ?? { status: o.status, by: o.by }]));
  } else if (values.resume && !(sameSample && earlier.commit === record.commit)) log('--resume: no earlier run of this commit, seed and sample sizes; starting afresh');
  else if (sameSample) record.outcomes = earlier.outcomes.filter((o) => o.status !== 'runtime error' && o.status !== 'not judged');
  const save = () => {
    mkdirSync(reportDir, { recursive: true });
    writeFileSync(resultsFile, JSON.stringify(record, null, 2));
    writeFileSync(path.join(ROOT, 'reports', 'mutation-generated.md'), renderReport(record));
  };

  applyTestcontainersDefaults();
  await assertContainerRuntime();
  const environment = await withHeavyLock(() => startTestEnvironment(log));
  registerTeardown('heavy lock', () => lock.release());

  // The unchanged system: everything must pass, and each service says which mutants it reached.
  const coverageDir = mkdtempSync(path.join(tmpdir(), 'ticket-rush-stryker-coverage-'));
  const clean = await runOne(environment, 'unchanged', 0, {
    SERVICE_NODE_ARGS: `--import ${path.join(scratch, 'test/mutants/generated/coverage-dump.ts')}`,
    STRYKER_COVERAGE_DIR: coverageDir,
  });
  const covered = readCoverage(coverageDir);
  rmSync(coverageDir, { recursive: true, force: true });
  log(`unchanged system: ${clean.status === 'survived' ? 'passed' : `FAILED (${clean.status}: ${clean.by ?? ''} ${clean.error ?? ''})`} in ${clean.seconds} s; it reached ${covered.size} of ${mutants.length} TypeScript mutants`);
  if (clean.status !== 'survived') throw new Error('the unchanged system must pass every scenario, or every mutant would look killed');
  record.unchangedSeconds = clean.seconds;

  let sinceLock = 0;
  for (const [i, mutant] of drawn.entries()) {
    if (record.outcomes.some((o) => o.id === mutant.id)) continue;
    if (sinceLock === perLock) {
      await lock.release();
      sinceLock = 0;
    }
    const where = `${mutant.file}:${mutant.line}:${mutant.column} ${mutant.mutator}`;
    const described = { id: mutant.id, file: mutant.file, line: mutant.line, column: mutant.column, mutator: mutant.mutator, original: mutant.original, replacement: mutant.replacement };
    let outcome: Outcome;
    if (!('mutatedSource' in mutant) && !covered.has(mutant.id)) {
      outcome = { ...described, status: 'no coverage', seconds: 0 };
    } else if ('mutatedSource' in mutant) {
      sinceLock++;
      const target = path.join(scratch, mutant.file);
      const original = readFileSync(target, 'utf8');
      writeFileSync(target, mutant.mutatedSource);
      try {
        outcome = { ...described, ...(await runOne(environment, `lua-${i}`, i + 1, {})) };
      } finally {
        writeFileSync(target, original);
      }
    } else {
      sinceLock++;
      outcome = { ...described, ...(await runOne(environment, `ts-${mutant.id}`, i + 1, { __STRYKER_ACTIVE_MUTANT__: mutant.id })) };
    }
    const first = firstRuns.get(mutant.id);
    if (first) outcome.firstRun = first;
    record.outcomes.push(outcome);
    save();
    log(`${i + 1}/${drawn.length} ${where}: ${outcome.status}${outcome.by ? ` by ${outcome.by}` : ''} (${outcome.seconds} s)`);
  }
  await lock.release();
  save();
  if (values.docs) {
    writeLastResult(path.join(ROOT, 'docs', 'mutation.md'), renderReport(record));
    writeFileSync(path.join(ROOT, 'docs', 'mutation-results.json'), `${JSON.stringify(record, null, 2)}\n`);
  }
  console.log(renderReport(record));
} catch (error) {
  log((error as Error).stack ?? String(error));
  exitCode = 1;
} finally {
  await runTeardowns();
}
process.exit(exitCode);

type RunResult = Pick<Outcome, 'status' | 'by' | 'error' | 'seconds'>;

/** The copy's system with `extraEnv`, the whole suite against it, failing fast. */
async function runOne(environment: TestEnvironment, name: string, index: number, extraEnv: Record<string, string>): Promise<RunResult> {
  const logDir = path.join(ROOT, 'reports', 'logs', 'mutation-generated', name);
  rmSync(logDir, { recursive: true, force: true });
  await lock.take();
  {
    const started = Date.now();
    const seconds = () => Math.round((Date.now() - started) / 1000);
    let system;
    try {
      system = await startSystemRun({ environment, root: scratch, database: `generated_${index}_${process.pid}`, logDir, extraEnv });
    } catch (error) {
      return { status: 'runtime error', error: (error as Error).message.split('\n')[0], seconds: seconds() };
    }
    try {
      const result = await cucumber(scratch, [], system.env, SUITE_TIMEOUT_MS);
      if (result.timedOut) return { status: 'timeout', error: `the suite ran over ${SUITE_TIMEOUT_MS / 60_000} minutes`, seconds: seconds() };
      if (result.failed) return { status: 'killed', ...result.failed, seconds: seconds() };
      return { status: 'survived', seconds: seconds() };
    } finally {
      await system.stop();
    }
  }
}

function readCoverage(dir: string): Set<string> {
  const ids = new Set<string>();
  for (const file of readdirSync(dir)) {
    for (const id of JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as string[]) ids.add(id);
  }
  return ids;
}

/** The project as committed at `commit`, in a fresh git repository, with this checkout's node_modules linked in. */
function copyOfCommit(commit: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ticket-rush-generated-'));
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: ROOT });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=scratch', '-c', 'user.email=scratch@localhost', ...args], { cwd: dir });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', commit);
  return dir;
}
