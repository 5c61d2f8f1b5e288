import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { mutantsOf } from './lua-mutants.ts';
import { sample, wilson } from './sample.ts';
import { filesToMutate, instrument } from './stryker-mutants.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

test('a seed always draws the same sample, of distinct items, in draw order (a prefix is the smaller sample); another seed another one', () => {
  const all = Array.from({ length: 3000 }, (_, i) => i);
  const a = sample(all, 60, 42);
  assert.deepEqual(sample(all, 60, 42), a);
  assert.equal(new Set(a).size, 60);
  assert.deepEqual(sample(all, 20, 42), a.slice(0, 20));
  assert.notDeepEqual(sample(all, 60, 43), a);
  assert.equal(sample(all, 5000, 1).length, 3000);
});

test('the draw is uniform: over 4,000 seeds every item of 20 is drawn about as often (5 of 20 each time), and first about as often', () => {
  const counts = new Array(20).fill(0);
  const first = new Array(20).fill(0);
  for (let seed = 0; seed < 4000; seed++) {
    const drawn = sample(counts.map((_, i) => i), 5, seed);
    for (const i of drawn) counts[i]++;
    first[drawn[0]]++;
  }
  // Expected 1,000 each (binomial sd ≈ 27) and 200 first (sd ≈ 14): over 4 sd either way fails.
  for (const c of counts) assert.ok(Math.abs(c - 1000) < 120, `counts ${counts.join(',')}`);
  for (const c of first) assert.ok(Math.abs(c - 200) < 60, `first ${first.join(',')}`);
});

test('the Wilson score interval matches the published figures', () => {
  // Newcombe (1998), Table I: 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605.
  const a = wilson(81, 263);
  assert.equal(a.low.toFixed(4), '0.2553');
  assert.equal(a.high.toFixed(4), '0.3662');
  const b = wilson(15, 148);
  assert.equal(b.low.toFixed(4), '0.0624');
  assert.equal(b.high.toFixed(4), '0.1605');
  assert.deepEqual(wilson(0, 0), { low: 0, high: 1 });
  assert.equal(wilson(10, 10).high, 1);
});

test('the Lua operators mutate code only, never strings or comments, and drop bare redis.call statements only', () => {
  const source = [
    "-- a comment: x < 1 and redis.call('DEL', k)",
    "local n = tonumber(redis.call('ZCARD', KEYS[2]))",
    "if n >= 10 and ARGV[1] == '<=' then",
    "  redis.call('SET', KEYS[1], 'a < b',",
    "    'PX', 5)",
    'end',
    '--[[ long comment 3 > 2 ]]',
    "if n then redis.call('DEL', KEYS[3]) end",
    "return { n ~= 0, redis.call('GET', KEYS[3]) }",
  ].join('\n');
  const mutants = mutantsOf('lua/x.lua', source);
  const described = mutants.map((m) => `${m.line}:${m.column} ${m.mutator} ${m.original} → ${m.replacement}`);
  assert.deepEqual(described, [
    '2:45 NumberOffByOne 2 → 3',
    '2:45 NumberOffByOne 2 → 1',
    '3:6 ComparisonFlipped >= → >',
    '3:9 NumberOffByOne 10 → 11',
    '3:9 NumberOffByOne 10 → 9',
    '3:21 NumberOffByOne 1 → 2',
    '3:21 NumberOffByOne 1 → 0',
    '3:24 ComparisonFlipped == → ~=',
    "4:3 CallRemoved redis.call('SET', KEYS[1], 'a < b',\n    'PX', 5) → ",
    '4:26 NumberOffByOne 1 → 2',
    '4:26 NumberOffByOne 1 → 0',
    '5:11 NumberOffByOne 5 → 6',
    '5:11 NumberOffByOne 5 → 4',
    "8:11 CallRemoved redis.call('DEL', KEYS[3]) → ",
    '8:34 NumberOffByOne 3 → 4',
    '8:34 NumberOffByOne 3 → 2',
    '9:12 ComparisonFlipped ~= → ==',
    '9:15 NumberOffByOne 0 → 1',
    '9:41 NumberOffByOne 3 → 4',
    '9:41 NumberOffByOne 3 → 2',
  ]);
  assert.equal(mutants[2].mutatedSource.split('\n')[2], "if n > 10 and ARGV[1] == '<=' then");
  assert.equal(new Set(mutants.map((m) => m.id)).size, mutants.length);
});

test("Stryker's instrumented TypeScript runs under Node's type stripping, and __STRYKER_ACTIVE_MUTANT__ switches a mutant on in a child process", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stryker-strip-'));
  try {
    writeFileSync(path.join(dir, 'limits.ts'), "export type Limit = { most: number };\nexport const LIMIT = { most: 2 } satisfies Limit;\n");
    writeFileSync(
      path.join(dir, 'check.ts'),
      "import type { Limit } from './limits.ts';\nimport { LIMIT } from './limits.ts';\nexport function allowed(n: number, limit: Limit = LIMIT): boolean {\n  return n <= limit.most;\n}\nconsole.log(allowed(3));\n",
    );
    const { instrumented, mutants } = await instrument(dir, ['check.ts', 'limits.ts']);
    for (const [file, content] of instrumented) writeFileSync(path.join(dir, file), content);
    const flip = mutants.find((m) => m.mutator === 'EqualityOperator' && m.replacement === 'n < limit.most');
    const widen = mutants.find((m) => m.mutator === 'EqualityOperator' && m.replacement === 'n > limit.most');
    assert.ok(flip && widen, mutants.map((m) => `${m.mutator} ${m.replacement}`).join('; '));
    const run = (active?: string) =>
      spawnSync(process.execPath, [path.join(dir, 'check.ts')], { encoding: 'utf8', env: { PATH: process.env.PATH, ...(active ? { __STRYKER_ACTIVE_MUTANT__: active } : {}) } });
    assert.equal(run().stdout.trim(), 'false', run().stderr);
    assert.equal(run(flip.id).stdout.trim(), 'false');
    assert.equal(run(widen.id).stdout.trim(), 'true');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("every instrumented file of the reference system is still erasable TypeScript that parses", async () => {
  const files = filesToMutate(ROOT);
  assert.ok(!files.some((f) => f.startsWith('reference-system/payment-gateway/')), 'the gateway stub is no part of the sampling frame');
  const { instrumented, mutants } = await instrument(ROOT, files);
  assert.ok(mutants.length > 1000, `${mutants.length} mutants`);
  // Node's own type stripping, as it runs the services: it refuses what is not erasable.
  const stripped = [...instrumented].map(([file, content]) => ({ file, js: stripTypeScriptTypes(content) }));
  // Parsed as modules (not linked, not run) in one child process.
  const parse = spawnSync(
    process.execPath,
    ['--experimental-vm-modules', '--no-warnings', '--input-type=module', '-e', "import vm from 'node:vm'; import { readFileSync } from 'node:fs'; let bad = 0; for (const { file, js } of JSON.parse(readFileSync(0, 'utf8'))) { try { new vm.SourceTextModule(js); } catch (e) { bad++; console.log(file + ': ' + e.message); } } process.exit(bad ? 1 : 0);"],
    { encoding: 'utf8', input: JSON.stringify(stripped) },
  );
  assert.equal(parse.status, 0, `${parse.error ?? ''}${parse.stdout}${parse.stderr}`);
});
