import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

// The suite's vocabulary stays small and exact (docs/steps.md): cucumber's usage formatter, in a
// dry run (no environment: dry runs skip every hook), must find every step definition used,
// none ambiguous or missing, and few used by a single step.
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MAX_SINGLE_USE_SHARE = 0.4;

type Usage = { pattern: string; uri: string; line: number; matches: unknown[] }[];

test('every step definition is used, none is ambiguous or missing, and under 40 % are used only once', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'step-usage-'));
  try {
    const usageFile = path.join(dir, 'usage.json');
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), '--dry-run', '--format', `usage-json:${usageFile}`, '--format', 'summary'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, E2E_TARGET: '' } },
    );
    assert.equal(run.status, 0, `the dry run failed:\n${run.stdout}\n${run.stderr}`);
    // A dry run exits 0 whatever it found; its summary counts ambiguous and undefined steps.
    assert.doesNotMatch(run.stdout, /ambiguous|undefined/, `steps with no definition or more than one:\n${run.stdout}`);
    const usage: Usage = JSON.parse(readFileSync(usageFile, 'utf8'));
    const unused = usage.filter((d) => d.matches.length === 0).map((d) => `${d.uri}:${d.line} "${d.pattern}"`);
    assert.deepEqual(unused, [], `step definitions no scenario uses: ${unused.join(', ')}`);
    const once = usage.filter((d) => d.matches.length === 1);
    const share = once.length / usage.length;
    console.log(`step definitions: ${usage.length}; used by one step only: ${once.length} (${(share * 100).toFixed(1)} %)`);
    assert.ok(share < MAX_SINGLE_USE_SHARE, `${once.length} of ${usage.length} step definitions (${(share * 100).toFixed(1)} %) are used by one step only; at most 40 %`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('step files speak to the driver layer: no URL, no route, no raw HTTP, no cast, no bare assert', () => {
  const steps = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'steps'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter((f) => f.endsWith('.ts'));
  assert.ok(steps.length > 0, 'no step files found');
  const rules: [RegExp, string][] = [
    [/https?:\/\//, 'a URL'],
    [/['"`]\/(api|admin|health|metrics|__control)\b/, 'a route'],
    [/\bapi\.send\(|from 'undici'/, 'a raw HTTP call'],
    [/\btarget\.\w+Url/, "the target's URLs"],
    [/\)\s+as\s+[A-Z{]|\bas unknown\b|<[A-Z]\w*>\s*\w+\.body/, 'a cast'],
    [/\.body\b/, 'a raw body'],
    [/from 'node:assert/, 'a bare assert (use support/expect.ts)'],
  ];
  const findings: string[] = [];
  for (const file of steps) {
    readFileSync(path.join(ROOT, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const [pattern, what] of rules) if (pattern.test(line)) findings.push(`${file}:${i + 1} has ${what}: ${line.trim()}`);
      });
  }
  assert.deepEqual(findings, []);
});
