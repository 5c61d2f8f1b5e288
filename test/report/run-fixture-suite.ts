import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFixtureServer } from './fixture-server.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export type FixtureRun = {
  reportsDir: string;
  exitCode: number;
  output: string;
  issuedTokens: string[];
  adminToken: string;
};

/**
 * Runs test/fixtures/report-suite with real cucumber (3 parallel workers, the project's retry
 * settings and support hooks) against a real fixture HTTP server posing as an external target.
 */
export async function runFixtureSuite(): Promise<FixtureRun> {
  const server = await startFixtureServer();
  const reportsDir = mkdtempSync(path.join(os.tmpdir(), 'report-suite-'));
  const adminToken = 'fixture-admin-token-0123456789abcdef';
  try {
    const cucumber = path.join(ROOT, 'node_modules/@cucumber/cucumber/bin/cucumber.js');
    const child = spawn(process.execPath, [cucumber, '--config', 'test/fixtures/report-suite/cucumber.mjs'], {
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
        E2E_ADMIN_TOKEN: adminToken,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
    return { reportsDir, exitCode, output, issuedTokens: [...server.issuedTokens], adminToken };
  } finally {
    await server.close();
  }
}
