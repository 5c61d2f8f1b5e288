import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFixtureServer, type FixtureServer } from './fixture-server.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type FixtureRun = {
  reportsDir: string;
  exitCode: number;
  output: string;
  issuedTokens: string[];
  adminToken: string;
};

export type FixtureRunOptions = {
  /**
   * Run it as `npx cucumber-js` runs the real suite, with the report formatter writing the
   * reports, history and gate (test/fixtures/report-suite/cucumber-as-e2e.mjs), rather than
   * with cucumber's own formatters only.
   */
  asE2e?: boolean;
  /** More cucumber arguments, e.g. ['--shard', '2/3']. */
  args?: string[];
  /** Where the reports go (a new temporary folder by default). */
  reportsDir?: string;
  /** A fixture server to use (one of its own by default, closed afterwards). */
  server?: FixtureServer;
};

const ADMIN_TOKEN = 'fixture-admin-token-0123456789abcdef';

/**
 * Runs test/fixtures/report-suite with real cucumber (3 parallel workers, the project's retry
 * settings and support hooks) against a real fixture HTTP server posing as an external target.
 */
export async function runFixtureSuite(options: FixtureRunOptions = {}): Promise<FixtureRun> {
  const server = options.server ?? (await startFixtureServer());
  const reportsDir = options.reportsDir ?? mkdtempSync(path.join(os.tmpdir(), 'report-suite-'));
  const config = options.asE2e ? 'test/fixtures/report-suite/cucumber-as-e2e.mjs' : 'test/fixtures/report-suite/cucumber.mjs';
  try {
    const cucumber = path.join(ROOT, 'node_modules/@cucumber/cucumber/bin/cucumber.js');
    const child = spawn(process.execPath, [cucumber, '--config', config, ...(options.args ?? [])], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        FIXTURE_REPORTS_DIR: reportsDir,
        // The run's session writes (and first clears) its outputs there, not in the checkout's reports/.
        E2E_REPORTS_DIR: reportsDir,
        E2E_WORKERS: '3',
        E2E_TARGET: 'external',
        E2E_CORE_URL: server.url,
        E2E_QUEUE_URLS: server.url,
        E2E_ADMIN_TOKEN: ADMIN_TOKEN,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
    return { reportsDir, exitCode, output, issuedTokens: [...server.issuedTokens], adminToken: ADMIN_TOKEN };
  } finally {
    if (!options.server) await server.close();
  }
}
