import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { arrivalsOf, shareOf, type Share } from '../../load/engine/open-model.ts';
import { GENERATOR_FORMAT, writeGeneratorFile, type GeneratorFile } from '../../load/fleet/generator-file.ts';
import { parseGenerator, userRange } from '../../load/fleet/generator-share.ts';
import { mergeMeasurements } from '../../load/fleet/merge-measurements.ts';
import { oneWholeRun, type NamedGeneratorFile } from '../../load/fleet/one-run.ts';
import { encodeHistogram, mergeEncoded } from '../../load/metrics/encoded-histogram.ts';
import { latencyHistogram, summarize } from '../../load/metrics/latency.ts';
import { Recorder } from '../../load/metrics/recorder.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Latencies (µs) with a long tail, from a fixed seed: the same numbers every run. */
function latencies(count: number, seed = 7): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 48271) % 2147483647;
    return 1 + Math.round((x / 2147483647) ** 4 * 3_000_000);
  });
}

test('histograms merged from encoded parts are the histogram of every value: same count, percentiles, max and mean', () => {
  const values = latencies(60_000);
  const whole = latencyHistogram();
  const parts = [latencyHistogram(), latencyHistogram(), latencyHistogram()];
  values.forEach((v, k) => {
    whole.recordValue(v);
    parts[k % 7 < 4 ? 0 : k % 7 < 6 ? 1 : 2].recordValue(v); // uneven shares
  });
  const merged = mergeEncoded(parts.map(encodeHistogram));
  assert.deepEqual(summarize(merged), summarize(whole));
  for (let p = 0; p <= 100; p += 0.25) assert.equal(merged.getValueAtPercentile(p), whole.getValueAtPercentile(p), `P${p}`);
  assert.equal(mergeEncoded([]).totalCount, 0, 'no parts: an empty histogram');
});

test('--generator i/n: shares of a schedule add up to it, and their users tile 0 … n-1 without overlap', () => {
  assert.deepEqual(parseGenerator('2/3'), { index: 1, of: 3 });
  for (const bad of ['0/2', '3/2', '1/0', '1-2', 'x/2', '']) assert.throws(() => parseGenerator(bad), /i\/n/, bad);

  for (const total of [0, 1, 2, 5, 749, 750, 751]) {
    for (const generators of [1, 2, 3, 7]) {
      const shares = Array.from({ length: generators }, (_, index) => shareOf(total, { index, of: generators }));
      assert.equal(shares.reduce((a, b) => a + b, 0), total, `${total} arrivals over ${generators}`);
      assert.ok(Math.max(...shares) - Math.min(...shares) <= 1, 'shares differ by one at most');
    }
  }
  // entry-scale:smoke's two arrival phases (200/s for 1 s, 500/s for 1.5 s), over three generators.
  const stages = [[{ rate: 200, durationS: 1 }], [{ rate: 500, durationS: 1.5 }]];
  const usersOf = (share: Share) => stages.reduce((sum, s) => sum + arrivalsOf(s, share), 0);
  const ranges = Array.from({ length: 3 }, (_, index) => userRange({ index, of: 3 }, usersOf));
  let next = 0;
  for (const range of ranges) {
    assert.equal(range.first, next, 'each range starts where the one before ended');
    next = range.first + range.count;
  }
  assert.equal(next, 950, 'together: every user of the whole run');
});

/** A generator file as a generator of `n` would write it, with the requests it made (µs). */
function generatorFile(i: number, n: number, latenciesUs: number[], users: { first: number; count: number }, change: Partial<GeneratorFile> = {}): GeneratorFile {
  const recorder = new Recorder({ keepSeconds: true });
  for (const us of latenciesUs) recorder.request('enter', us / 1000);
  recorder.request('enter', undefined, 'ECONNRESET');
  recorder.count('polls showing another position', i);
  recorder.probe('requests/s', () => recorder.totalRequests());
  recorder.probe('generator CPU %', () => 10 * i);
  recorder.flushSecond();
  const recorded = recorder.snapshot();
  // The seconds closed at whole seconds after the start line, a few ms apart between generators.
  recorded.steps.enter.seconds[0].atMs = Date.parse('2026-12-03T10:00:00Z') + 1000 + i * 3;
  recorded.probes.atMs = [Date.parse('2026-12-03T10:00:00Z') + 1000 + i * 3];
  return {
    format: GENERATOR_FORMAT,
    scenario: 'entry-scale',
    variant: 'smoke',
    generator: { i, n },
    runId: 'gtest',
    startLine: '2026-12-03T10:00:00.000Z',
    rateShare: 1 / n,
    users,
    options: { scale: 1, timeScale: 1, status: 'poll', gate: 'seed' },
    http: { connections: 128, pipelining: 1, timeoutMs: 10_000 },
    git: { commit: 'abc123', branch: 'main' },
    machine: { hostname: `host-${i}`, cpus: 2, cpuModel: 'test', memoryGiB: 1, node: process.version, platform: 'test' },
    target: { kind: 'external', coreUrl: 'http://core:8080', queueUrls: ['http://queue-1:8081'] },
    startedAt: '2026-12-03T09:59:50.000Z',
    endedAt: '2026-12-03T10:00:05.000Z',
    recorded,
    phases: { enter: { scheduled: users.count, started: users.count, dropped: 0, unfinished: 0, arrivalSeconds: 1.5 + i / 100, targetRate: 500 / n, achievedRate: 500 / n } },
    figures: {},
    notes: [],
    cpu: { cpuMs: 100, percentOfOneCore: 10, microsPerRequest: 50 },
    fans: null,
    ...change,
  };
}

const named = (content: GeneratorFile, name = `g${content.generator.i}of${content.generator.n}.json`): NamedGeneratorFile => ({ path: name, content });

test('merged measurements: latency as one histogram, counters, errors and arrivals added, seconds lined up', () => {
  const values = latencies(3_000, 11);
  const files = [
    generatorFile(1, 2, values.slice(0, 1_700), { first: 0, count: 475 }),
    generatorFile(2, 2, values.slice(1_700), { first: 475, count: 475 }),
  ];
  const merged = mergeMeasurements(oneWholeRun([named(files[1]), named(files[0])]).map((f) => f.content));
  const whole = new Recorder();
  for (const us of values) whole.request('enter', us / 1000);
  const { requests: _r, errors: _e, ...latency } = merged.steps.enter;
  const { requests: _wr, errors: _we, ...wholeLatency } = whole.stepSummary('enter');
  assert.deepEqual(latency, wholeLatency, 'percentiles of the merge = those of one recorder fed every request');
  assert.equal(merged.steps.enter.requests, 3_002);
  assert.equal(merged.steps.enter.errors, 2);
  assert.deepEqual(merged.errorsByCode, { 'enter ECONNRESET': 2 });
  assert.equal(merged.counters['polls showing another position'], 3);
  assert.deepEqual(
    { scheduled: merged.phases.enter.scheduled, targetRate: merged.phases.enter.targetRate, arrivalSeconds: merged.phases.enter.arrivalSeconds },
    { scheduled: 950, targetRate: 500, arrivalSeconds: 1.52 },
  );
  assert.deepEqual(merged.series.t, [1], 'both generators\' first second is second 1 after the start line');
  assert.equal(merged.series.steps.enter[0].count, 3_000);
  assert.equal(merged.series.probes['requests/s'][0], 3_002, 'rates add up');
  assert.ok('generator 1/2 CPU %' in merged.series.probes && 'generator 2/2 CPU %' in merged.series.probes, 'CPU stays per generator');
  assert.deepEqual(merged.cpu.map((c) => c.name), ['generator 1/2', 'generator 2/2']);
});

test('the merge refuses files that are not one whole run, and says why', () => {
  const g1 = generatorFile(1, 2, [100], { first: 0, count: 475 });
  const g2 = generatorFile(2, 2, [100], { first: 475, count: 475 });
  assert.deepEqual(oneWholeRun([named(g2), named(g1)]).map((f) => f.content.generator.i), [1, 2], 'in generator order');
  const refusals: [string, NamedGeneratorFile[], RegExp][] = [
    ['nothing', [], /no generator files/],
    ['a generator missing', [named(g1)], /missing generator 2\/2/],
    ['a generator twice', [named(g1), named(g1, 'copy.json'), named(g2)], /generator 1\/2 given twice: g1of2\.json, copy\.json/],
    ['another number of generators', [named(g1), named(generatorFile(2, 3, [100], { first: 475, count: 317 }))], /number of generators .* differs: 2 in g1of2\.json, 3 in g2of3\.json/],
    ['another scenario', [named(g1), named({ ...g2, scenario: 'sale-opening' })], /scenario differs/],
    ['another commit', [named(g1), named({ ...g2, git: { commit: 'def456', branch: 'main' } })], /commit differs: abc123 .* def456/],
    ['another run', [named(g1), named({ ...g2, runId: 'gother', startLine: '2026-12-03T11:00:00.000Z' })], /start line .* differs/],
    ['another --time-scale', [named(g1), named({ ...g2, options: { ...g2.options, timeScale: 0.5 } })], /--time-scale differs/],
    ['users overlapping', [named(g1), named({ ...g2, users: { first: 400, count: 475 } })], /users start at number 400, not 475: an overlap/],
    ['users with a gap', [named(g1), named({ ...g2, users: { first: 500, count: 475 } })], /users start at number 500, not 475: a gap/],
    ['a generator that stopped early', [named(g1), named({ ...g2, error: 'connect ECONNREFUSED' })], /generator 2\/2 stopped early \(connect ECONNREFUSED\)/],
  ];
  for (const [what, files, message] of refusals) assert.throws(() => oneWholeRun(files), message, what);
});

test('npm run load:merge refuses a generator given twice before it looks for a target, exit code 2', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'load-merge-'));
  try {
    const file = path.join(dir, 'entry-scale-smoke-1-of-2.json');
    writeGeneratorFile(file, generatorFile(1, 2, [100], { first: 0, count: 475 }));
    const run = spawnSync(process.execPath, ['scripts/load-merge.ts', file, file], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    assert.equal(run.status, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /generator 1\/2 given twice/);
    assert.match(run.stderr, /missing generator 2\/2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
