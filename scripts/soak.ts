/**
 * `npm run soak -- --runs N [--stress[=share]] [--run-timeout=minutes] [-- <cucumber arguments>]`
 *
 * Runs the suite (`cucumber-js`, the full suite unless arguments follow `--`) N times back to
 * back, as a team does to qualify its suite on its own machines: every run's reports are kept
 * in reports/soak/run-NN/ (reports/history/ gathers the runs as usual), and reports/soak.md
 * (and soak.json) gives per scenario its pass rate, retries and the spread of its durations,
 * and every red run with its reasons. `--stress` runs a competing CPU load beside the suite
 * the whole time, half of one core by default (`--stress=1.5`: one and a half cores), as a
 * shared runner's neighbours would. E2E_SYSTEM and every other E2E_* setting pass through.
 * Exits 1 when any run was red. A run still going after --run-timeout minutes (30, the PR
 * gate's limit) is stopped like Ctrl-C stops it and counted red. Ctrl-C stops the run in
 * progress (which tears down what it started), writes the report of the runs finished, and
 * exits 130.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gitInfo, readRunMetadata, runnerClass } from '../environment/run-metadata.ts';
import { readEnvelopes, scenarioResults } from './report/scenario-results.ts';
import { readHistory } from './report/history.ts';
import { isRed, renderSoakReport, type SoakConditions, type SoakRun } from './soak/soak-report.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const REPORTS = path.join(ROOT, 'reports');
const SOAK_DIR = path.join(REPORTS, 'soak');
const CUCUMBER = path.join(ROOT, 'node_modules/@cucumber/cucumber/bin/cucumber.js');
/** What a run leaves in reports/ that is worth keeping per run (history/ is shared; html/ is large). */
const KEPT = ['summary.md', 'results.json', 'run.json', 'junit.xml', 'messages.ndjson', 'logs'];

const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

function parseArguments(argv: string[]): { runs: number; stress: number; runTimeoutMs: number; cucumberArgs: string[] } {
  const dashes = argv.indexOf('--');
  const own = dashes < 0 ? argv : argv.slice(0, dashes);
  const cucumberArgs = dashes < 0 ? [] : argv.slice(dashes + 1);
  let runs = NaN;
  let stress = 0;
  let runTimeoutMinutes = 30;
  for (let i = 0; i < own.length; i++) {
    const [flag, inline] = own[i].split('=', 2);
    if (flag === '--runs') runs = Number(inline ?? own[++i]);
    else if (flag === '--stress') stress = inline === undefined ? 0.5 : Number(inline);
    else if (flag === '--run-timeout') runTimeoutMinutes = Number(inline ?? own[++i]);
    else usage(`unknown argument ${own[i]}`);
  }
  if (!Number.isInteger(runs) || runs < 1) usage('--runs N: a whole number of runs, 1 or more');
  if (!(stress >= 0 && stress <= 64)) usage('--stress=<share>: a share of one core above 0 (0.5: half a core; 2: two cores)');
  if (!(runTimeoutMinutes > 0)) usage('--run-timeout=<minutes>: above 0');
  return { runs, stress, runTimeoutMs: runTimeoutMinutes * 60_000, cucumberArgs };
}

function usage(problem: string): never {
  console.error(`${problem}\nusage: npm run soak -- --runs N [--stress[=share of one core, default 0.5]] [--run-timeout=<minutes, default 30>] [-- <cucumber arguments>]`);
  process.exit(2);
}

/** One cpu-stress process per started core of the share, each taking its part of it. */
function startStress(share: number): ChildProcess[] {
  if (share === 0) return [];
  const processes = Math.ceil(share);
  return Array.from({ length: processes }, () =>
    spawn(process.execPath, [path.join(ROOT, 'scripts/soak/cpu-stress.ts'), String(share / processes)], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }),
  );
}

let current: ChildProcess | undefined;
let interrupted = false;
let presses = 0;

function onInterrupt(signal: NodeJS.Signals): void {
  presses++;
  interrupted = true;
  if (presses >= 3) process.exit(130);
  log(`${signal}: stopping the run in progress (it tears down what it started); ${presses === 1 ? 'press Ctrl-C twice more to leave at once' : 'once more to leave at once'}`);
  // The run has a process group of its own: the terminal's Ctrl-C reaches only the soak, which passes it on once.
  if (presses === 1) current?.kill('SIGINT');
}

/**
 * One cucumber run; its output goes to `outputFile`. Resolves with its exit code (null: ended
 * by a signal) and whether it ran out of time: then it was interrupted as Ctrl-C does (it tears
 * down what it started) and, a minute later, killed.
 */
function runSuite(cucumberArgs: string[], outputFile: string, timeoutMs: number): Promise<{ exitCode: number | null; timedOut: boolean }> {
  const output = createWriteStream(outputFile);
  const child = spawn(process.execPath, [CUCUMBER, ...cucumberArgs], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  current = child;
  child.stdout!.pipe(output);
  child.stderr!.pipe(output);
  let timedOut = false;
  const timers = [
    setTimeout(() => {
      timedOut = true;
      log(`the run is still going after ${timeoutMs / 60_000} min: stopping it`);
      child.kill('SIGINT');
    }, timeoutMs),
    setTimeout(() => child.kill('SIGKILL'), timeoutMs + 60_000),
  ];
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      current = undefined;
      for (const timer of timers) clearTimeout(timer);
      output.end(() => resolve({ exitCode: code, timedOut }));
    });
  });
}

/** Why a run is red: the gate's and the formatter's reasons from its log, each failed scenario, or the end of its output. */
function redReasons(outputFile: string, scenarios: (SoakRun['scenarios'][number] & { error?: string })[]): string[] {
  const output = existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : '';
  const said = output
    .split('\n')
    .map((line) => /^\[e2e [\d:]+\] ((?:gate: |rendering the reports failed|SECRET IN OUTPUT).*)$/.exec(line)?.[1])
    .filter((line): line is string => Boolean(line) && line !== 'gate: passed');
  const failed = scenarios.filter((s) => s.status !== 'passed' && s.status !== 'skipped').map((s) => `${s.status}: ${s.key}${s.error ? `: ${s.error}` : ''}`);
  const reasons = [...new Set([...said, ...failed])];
  if (reasons.length) return reasons;
  const tail = output.trim().split('\n').slice(-15).join('\n');
  return [`no gate verdict (the run stopped early); the end of its output:\n${tail}`];
}

async function soak(): Promise<number> {
  const { runs, stress, runTimeoutMs, cucumberArgs } = parseArguments(process.argv.slice(2));
  rmSync(SOAK_DIR, { recursive: true, force: true });
  mkdirSync(SOAK_DIR, { recursive: true });
  const conditions: SoakConditions = {
    date: new Date().toISOString().slice(0, 10),
    commit: gitInfo().commit,
    machine: runnerClass({}),
    node: process.version,
    mode: process.env.E2E_TARGET === 'external' ? 'external target' : `${process.env.E2E_SYSTEM || 'containers'} (E2E_SYSTEM)`,
    stress,
    cucumberArgs,
    runsAsked: runs,
    interrupted: false,
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  const stressors = startStress(stress);
  log(`${runs} run(s) of cucumber-js ${cucumberArgs.join(' ') || '(the full suite)'}, ${conditions.mode}${stress ? `, competing CPU load of ${stress} core(s)` : ''}`);

  const done: SoakRun[] = [];
  try {
    for (let index = 1; index <= runs && !interrupted; index++) {
      const dir = path.join(SOAK_DIR, `run-${String(index).padStart(2, '0')}`);
      mkdirSync(dir, { recursive: true });
      const outputFile = path.join(dir, 'output.log');
      const started = Date.now();
      log(`run ${index}/${runs} started (output: ${path.relative(ROOT, outputFile)})`);
      // Last run's outputs must not pass for this one's if it stops before writing its own.
      for (const item of ['run.json', 'messages.ndjson']) rmSync(path.join(REPORTS, item), { force: true });
      const { exitCode, timedOut } = await runSuite(cucumberArgs, outputFile, runTimeoutMs);
      for (const item of KEPT) {
        if (existsSync(path.join(REPORTS, item))) cpSync(path.join(REPORTS, item), path.join(dir, item), { recursive: true });
      }
      const meta = readRunMetadata(path.join(REPORTS, 'run.json'));
      const results = existsSync(path.join(REPORTS, 'messages.ndjson')) ? scenarioResults(readEnvelopes(path.join(REPORTS, 'messages.ndjson'))) : undefined;
      const scenarios = (results?.scenarios ?? []).map((s) => ({ key: s.key, status: s.status, attempts: s.attempts, durationMs: Math.round(s.durationMs), error: s.error }));
      const run: SoakRun = {
        index,
        startedAt: meta?.startedAt ?? new Date(started).toISOString(),
        exitCode: timedOut && exitCode === 0 ? null : exitCode,
        wallTimeMs: Date.now() - started,
        dir: path.relative(ROOT, dir),
        reasons: [],
        scenarios: scenarios.map(({ error: _, ...s }) => s),
      };
      if (isRed(run)) run.reasons = [...(timedOut ? [`still going after ${runTimeoutMs / 60_000} min (--run-timeout): stopped`] : []), ...redReasons(outputFile, scenarios)];
      done.push(run);
      const count = (pick: (s: SoakRun['scenarios'][number]) => boolean) => run.scenarios.filter(pick).length;
      log(
        `run ${index}/${runs} ${isRed(run) ? 'RED' : 'green'} in ${(run.wallTimeMs / 1000).toFixed(1)} s: ${count((s) => s.status === 'passed')} passed, ` +
          `${count((s) => s.status !== 'passed' && s.status !== 'skipped')} failed, ${count((s) => s.attempts > 1)} retried` +
          `${isRed(run) ? `\n  ${run.reasons.join('\n  ')}` : ''}`,
      );
      writeReport(done, { ...conditions, interrupted });
    }
  } finally {
    for (const stressor of stressors) stressor.kill('SIGTERM');
  }
  const file = writeReport(done, { ...conditions, interrupted });
  const red = done.filter(isRed).length;
  log(`${done.length} run(s), ${red} red${interrupted ? ' (interrupted)' : ''}: ${path.relative(ROOT, file)}; history: ${readHistory(path.join(REPORTS, 'history')).length} run(s) in reports/history/`);
  return interrupted ? 130 : red ? 1 : 0;
}

/** reports/soak.md for people, reports/soak/soak.json for tools; rewritten after every run, so an interrupted soak keeps what it found. */
function writeReport(runs: SoakRun[], conditions: SoakConditions): string {
  writeFileSync(path.join(SOAK_DIR, 'soak.json'), `${JSON.stringify({ conditions, runs }, null, 1)}\n`);
  const file = path.join(REPORTS, 'soak.md');
  writeFileSync(file, renderSoakReport(runs, conditions));
  return file;
}

process.exitCode = await soak();
