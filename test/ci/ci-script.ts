import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FAKE_GH_BIN = path.join(import.meta.dirname, 'fake-gh');

// The fake gh applies --jq with jq, and the gate script reads NEEDS with it.
if (spawnSync('jq', ['--version']).status !== 0) {
  throw new Error('jq not found: the tests of scripts/ci/ need it (apt-get install -y jq; GitHub runners have it)');
}

export type ScriptRun = {
  code: number;
  stdout: string;
  stderr: string;
  /** Every gh invocation, its arguments joined by spaces. */
  calls: string[];
  /** What the script appended to $GITHUB_ENV. */
  githubEnv: string;
  /** What the script appended to $GITHUB_OUTPUT. */
  githubOutput: string;
  /** The directory the script ran in (its reports/history/ lands there). */
  workDir: string;
  /** The body the script posted or patched, if any. */
  posted?: string;
};

/**
 * One case for a scripts/ci/ script: a scenario directory the fake gh (test/ci/fake-gh/gh)
 * answers from, a working directory and the runner's temp, GITHUB_ENV and so on.
 */
export class CiCase {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'ci-case-'));
  readonly fakeGh = path.join(this.dir, 'gh');
  readonly workDir = path.join(this.dir, 'work');
  readonly runnerTemp = path.join(this.dir, 'runner-temp');
  readonly githubEnv = path.join(this.dir, 'github-env');
  readonly githubOutput = path.join(this.dir, 'github-output');

  constructor() {
    for (const dir of [this.fakeGh, this.workDir, this.runnerTemp]) mkdirSync(dir, { recursive: true });
    writeFileSync(this.githubEnv, '');
    writeFileSync(this.githubOutput, '');
  }

  /** A file the fake gh answers with (run-list.json, comments.json, run-list.fail, ...). */
  answer(file: string, content: unknown): this {
    writeFileSync(path.join(this.fakeGh, file), typeof content === 'string' ? content : JSON.stringify(content));
    return this;
  }

  /** The artifact `name` of run `runId`, with these files (path → content). */
  artifact(runId: number, name: string, files: Record<string, string>): this {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(this.fakeGh, 'artifacts', String(runId), name, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    return this;
  }

  /** A directory under the working directory, copied from these files (for downloaded artifacts). */
  files(under: string, files: Record<string, string>): this {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(this.workDir, under, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    return this;
  }

  /** Runs scripts/ci/<script> as a workflow step does: `bash -eo pipefail`, the fake gh first on PATH. */
  run(script: string, env: Record<string, string>, args: string[] = []): ScriptRun {
    const result = spawnSync('bash', ['-eo', 'pipefail', path.join(ROOT, 'scripts/ci', script), ...args], {
      cwd: this.workDir,
      encoding: 'utf8',
      env: {
        PATH: `${FAKE_GH_BIN}:${process.env.PATH ?? ''}`,
        LANG: 'C.UTF-8',
        FAKE_GH: this.fakeGh,
        RUNNER_TEMP: this.runnerTemp,
        GITHUB_ENV: this.githubEnv,
        GITHUB_OUTPUT: this.githubOutput,
        GITHUB_REPOSITORY: 'ticket-rush/qa-kit',
        GH_TOKEN: 'fake-token',
        ...env,
      },
    });
    const calls = path.join(this.fakeGh, 'calls');
    const posted = path.join(this.fakeGh, 'posted.md');
    return {
      code: result.status ?? 1,
      stdout: result.stdout,
      stderr: result.stderr,
      calls: existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : [],
      githubEnv: readFileSync(this.githubEnv, 'utf8'),
      githubOutput: readFileSync(this.githubOutput, 'utf8'),
      workDir: this.workDir,
      posted: existsSync(posted) ? readFileSync(posted, 'utf8') : undefined,
    };
  }
}

