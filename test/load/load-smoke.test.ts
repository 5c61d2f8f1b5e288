import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { LoadReport } from '../../load/report/load-report.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * Bounds a hang, not the tool's speed (benchmarks measure that): the three core smokes together
 * took 41.8 s on a quiet 2-core machine (2026-12-07) and passed the old 55 s bound while other
 * work ran beside them, killing a run that was about to pass.
 */
const HANG_MS = 170_000;

/**
 * `npm run load -- <args>` against a managed environment; exit 0 or 1 (thresholds), never a
 * crash. `report(name)` reads a scenario's JSON report and fails, with the tool's own output,
 * when this run did not write it (a run that stopped before its report must not be judged by
 * an earlier run's).
 */
function runLoad(...args: string[]) {
  const since = Date.now();
  const run = spawnSync(process.execPath, ['scripts/load.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, E2E_TARGET: '' },
    timeout: HANG_MS,
  });
  const output = `${run.stdout}\n${run.stderr}`.slice(-4000);
  assert.ok(run.status === 0 || run.status === 1, `load exited with ${run.status} ${run.signal ?? ''}\n${output}`);
  const report = (name: string) => {
    const file = path.join(ROOT, 'reports', 'load', `${name}.json`);
    assert.ok(existsSync(file) && statSync(file).mtimeMs >= since, `this run wrote no ${name}.json\n${output}`);
    return JSON.parse(readFileSync(file, 'utf8')) as LoadReport;
  };
  return { status: run.status, report, since };
}

/**
 * Keeps the load tool working: the smoke variants of entry-scale and circulation (its waiting
 * fans polling, then on status streams) against the managed environment (containers +
 * services, started and torn down by the tool). Latency thresholds are not asserted here (the
 * machine is shared); correctness figures are.
 */
test('npm run load -- entry-scale:smoke circulation:smoke --queue-instances=2 --status=poll,stream', { timeout: HANG_MS + 10_000 }, () => {
  // Two queue instances (the default, said out loud): FIFO across instances.
  const run = runLoad('entry-scale:smoke', 'circulation:smoke', '--queue-instances=2', '--status=poll,stream');

  const entry = run.report('entry-scale-smoke');
  const circ = run.report('circulation-smoke');
  const streamed = run.report('circulation-smoke-stream');
  assert.equal(run.status, entry.passed && circ.passed && streamed.passed ? 0 : 1, 'exit code follows the gated thresholds');
  for (const r of [entry, circ, streamed]) {
    assert.equal(r.error, undefined, `${r.scenario} stopped early: ${r.error}`);
    assert.equal(r.variant, 'smoke');
    assert.ok(existsSync(path.join(ROOT, 'reports', 'load', `${r.scenario}-smoke${r === streamed ? '-stream' : ''}.html`)), 'HTML report written');
    assert.deepEqual(r.errorsByCode, {}, `${r.scenario} had errors`);
    assert.ok(r.series.t.length >= 3, 'a point per second for the charts');
    assert.ok(r.cpu[0].name === 'generator' && r.cpu[0].cpuMs > 0, 'generator CPU reported');
  }
  assert.equal(entry.figures['users lost (201 but not in the queue)'] ?? entry.figures['lost (201 but not in the queue)'], 0);
  assert.equal(entry.figures['FIFO violations'], 0);
  assert.equal(entry.figures['queue size (Redis)'], entry.figures['users entered (201)']);
  assert.equal(entry.steps.enter.requests, 950);
  assert.equal(circ.figures['circulation % (exits ÷ admissions, after the last user left)'], 100);
  assert.equal(circ.figures['FIFO violations'], 0);
  assert.ok(circ.distributions['activation wait'].count === 200, 'every user became active');
  for (const figure of ['circulation % (exits ÷ admissions, after the last user left)', 'FIFO violations']) assert.equal(streamed.figures[figure], circ.figures[figure], figure);
  assert.equal(streamed.distributions['activation wait'].count, 200, 'every user on a stream became active');
  assert.equal(streamed.figures['streams ended while waiting (then polled)'], 0);
  assert.ok(streamed.steps.stream.requests > 0 && streamed.steps.poll === undefined, 'waiting fans followed streams, nobody polled');
});

/**
 * Keeps the core scenarios working: core-capacity, booking and seat-rush smoke variants in one
 * environment. Correctness only: every hold paid once, one winner per seat, booking success
 * 100 % (every fan retries until the map shows no free seat), PostgreSQL invariants.
 */
test('npm run load -- core-capacity:smoke booking:smoke seat-rush:smoke', { timeout: HANG_MS + 10_000 }, () => {
  const run = runLoad('core-capacity:smoke', 'booking:smoke', 'seat-rush:smoke');
  const capacity = run.report('core-capacity-smoke');
  const booking = run.report('booking-smoke');
  const rush = run.report('seat-rush-smoke');
  for (const r of [capacity, booking, rush]) {
    assert.equal(r.error, undefined, `${r.scenario} stopped early: ${r.error}`);
    assert.deepEqual(r.errorsByCode, {}, `${r.scenario} had errors`);
  }
  for (const step of ['bare', 'seat map', 'hold hot seat', 'hold distinct seats', 'pay']) assert.ok(capacity.steps[step].requests > 0, `${step} measured`);
  assert.equal(typeof capacity.figures['seat map ÷ bare'], 'number');
  assert.equal(capacity.figures['hot seat: holds created (1 expected)'], 1, 'one winner of the hot seat');
  assert.ok(capacity.thresholds.find((t) => t.name === 'holds paid (payment COMPLETED)')?.pass, 'every distinct hold of the round paid');

  assert.equal(booking.figures['booking success % (paid ÷ min(fans, seats))'], 100);
  assert.equal(booking.figures['PostgreSQL: seats sold'], 100);
  assert.equal(booking.figures['SOLD on the seat map'], 100);
  for (const f of ['PostgreSQL: seats held twice', 'PostgreSQL: seats sold twice', 'PostgreSQL: reservations paid twice']) assert.equal(booking.figures[f], 0, f);

  assert.equal(rush.figures['winners (payment COMPLETED)'], 10);
  assert.equal(rush.figures['distinct seats won'], 10);
  for (const f of ['PostgreSQL: seats held twice', 'PostgreSQL: seats sold twice', 'PostgreSQL: reservations paid twice']) assert.equal(rush.figures[f], 0, f);
  assert.equal(typeof rush.figures['race P95 ÷ bare burst P95'], 'number');
});

/**
 * sale-opening's smoke variant: 2,000 fans pre-queued, the sale opens; the room is checked
 * against the published draw and drains (the opening step's Redis time is reported, not
 * asserted here: the machine is shared).
 */
test('npm run load -- sale-opening:smoke', { timeout: HANG_MS + 10_000 }, () => {
  const run = runLoad('sale-opening:smoke');
  const sale = run.report('sale-opening-smoke');
  assert.equal(sale.error, undefined, `sale-opening stopped early: ${sale.error}`);
  assert.deepEqual(sale.errorsByCode, {}, 'sale-opening had errors');
  assert.equal(sale.figures['pre-queued (201)'], 2000);
  assert.equal(sale.figures['pre-queued (admin stats, before the start)'], 2000);
  assert.equal(sale.figures['answered other than PRE_QUEUE with no position'], 0);
  for (const f of ['entries lost (201 but not in the room)', 'order: fans out of the drawn order', 'order: admitted first but not drawn first', 'order: later fans ahead of a pre-queued fan']) assert.equal(sale.figures[f], 0, f);
  assert.equal(sale.figures['order: drawn order is the arrival order'], false);
  assert.equal(sale.figures['drained within the deadline'], true);
  assert.equal(typeof sale.figures['opening: longest Redis command, 1 s before to 5 s after the start (µs)'], 'number');
  assert.ok(Number(sale.figures['opening: promote runs recorded']) > 0, 'the slow log saw the promoter at the opening');
  for (const step of ['enter (pre-queue)', 'enter (after start)', 'poll']) assert.ok(sale.steps[step].requests > 0, `${step} measured`);
});

/**
 * The same two scenarios with their concerts spread over 3 shards: every correctness check kept
 * (nobody lost, FIFO exact, the draw's order), and each Redis master's share measured.
 */
test('npm run load -- entry-scale:smoke sale-opening:smoke --shards=3', { timeout: HANG_MS + 10_000 }, () => {
  const run = runLoad('entry-scale:smoke', 'sale-opening:smoke', '--shards=3');
  const entry = run.report('entry-scale-smoke-shards3');
  const sale = run.report('sale-opening-smoke-shards3');
  for (const r of [entry, sale]) {
    assert.equal(r.error, undefined, `${r.scenario} stopped early: ${r.error}`);
    assert.deepEqual(r.errorsByCode, {}, `${r.scenario} had errors`);
    assert.equal(r.figures.shards, 3);
  }
  assert.equal(entry.figures['lost (201 but not in the queue)'], 0);
  assert.equal(entry.figures['FIFO violations'], 0);
  assert.equal(entry.figures['queue size (Redis)'], entry.figures['users entered (201)']);
  assert.equal(entry.figures['polls showing another position'], 0);
  for (const phase of ['enter', 'poll']) assert.equal(typeof entry.figures[`${phase}: busiest master's share of the masters' CPU %`], 'number', `${phase}: per-master CPU measured`);
  for (const f of ['entries lost (201 but not in the room)', 'order: fans out of the drawn order', 'order: admitted first but not drawn first', 'order: later fans ahead of a pre-queued fan']) assert.equal(sale.figures[f], 0, f);
  assert.equal(sale.figures['drained within the deadline'], true);
});

/**
 * Keeps the before/after tooling working: enter-latency's smoke variant with variant B running
 * this same commit from a git worktree (--ab-ref HEAD), which must be gone afterwards.
 */
test('npm run load -- enter-latency:smoke --ab-ref HEAD', { timeout: HANG_MS + 10_000 }, () => {
  const worktrees = () => spawnSync('git', ['worktree', 'list'], { cwd: ROOT, encoding: 'utf8' }).stdout;
  const before = worktrees();
  const latency = runLoad('enter-latency:smoke', '--ab-ref', 'HEAD').report('enter-latency-smoke');
  assert.equal(latency.error, undefined, `enter-latency stopped early: ${latency.error}`);
  assert.deepEqual(latency.errorsByCode, {});
  for (const step of ['enter (bare)', 'enter', 'enter (queue B)']) assert.ok(latency.steps[step].requests > 0, `${step} measured`);
  assert.equal(latency.figures['variant B'], 'code at HEAD');
  assert.equal(typeof latency.figures['queue B: P95 ÷ bare P95'], 'number');
  // One round in the smoke variant: one P95 per side, a number of milliseconds.
  for (const side of ['bare', 'queue', 'queue B']) assert.match(String(latency.figures[`${side}: P95 of each round (ms)`]), /^\d+\.\d$/);
  assert.equal(worktrees(), before, 'the checkout of variant B is removed');
  // The service logs are this run's only: the earlier test's run started queue-1 too.
  const starts = readFileSync(path.join(ROOT, 'reports', 'load', 'logs', 'queue-1.log'), 'utf8').match(/"event":"listening"/g) ?? [];
  assert.equal(starts.length, 1, 'queue-1.log holds one start, this run\'s');
});

/**
 * Keeps the waiting-fans measurement working: every fan polls, then every fan holds a status
 * stream; none refused, none dropped, both CPU figures measured.
 */
test('npm run load -- waiting-fans:smoke', { timeout: HANG_MS + 10_000 }, () => {
  const fans = runLoad('waiting-fans:smoke').report('waiting-fans-smoke');
  assert.equal(fans.error, undefined, `waiting-fans stopped early: ${fans.error}`);
  assert.deepEqual(fans.errorsByCode, {});
  assert.equal(fans.figures['polling: poll errors'], 0);
  assert.equal(fans.figures['streams: streams refused'], 0);
  assert.equal(fans.figures['streams: ended by the server early'], 0);
  assert.ok(Number(fans.figures['streams: status events per fan per minute']) > 0, 'the streams pushed');
  assert.equal(typeof fans.figures['streams ÷ polling, CPU (queue + Redis)'], 'number');
});

/**
 * Several generators, proven on one machine: entry-scale's smoke variant driven by two
 * generators, each in a container of its own on the target's network, merged into one report.
 * The merged run must pass the checks one generator's does: every user of both generators in
 * the queue, each at the position told, order exact; the users tiled between the two.
 */
test('npm run load -- entry-scale:smoke --generators-in-containers 2', { timeout: HANG_MS + 10_000 }, () => {
  const run = runLoad('entry-scale:smoke', '--generators-in-containers=2');
  const merged = run.report('entry-scale-smoke-generators-2');
  assert.equal(run.status, merged.passed ? 0 : 1, 'exit code follows the merged run\'s thresholds');
  assert.equal(merged.error, undefined, `the merged checks stopped early: ${merged.error}`);
  assert.deepEqual(merged.errorsByCode, {}, 'no request failed');
  assert.deepEqual(
    merged.generators?.map((g) => [g.generator, g.users.first, g.users.count]),
    [['1/2', 0, 475], ['2/2', 475, 475]],
    'two generators, each with its own half of the users',
  );
  for (const g of merged.generators ?? []) assert.ok(statSync(path.join(ROOT, g.file)).mtimeMs >= run.since, `${g.file} written by this run`);
  assert.equal(merged.steps.enter.requests, 950, 'every arrival of the one-generator schedule');
  assert.equal(merged.phases.enter.targetRate, 500, 'the rates add up to the scenario\'s');
  assert.equal(merged.figures['users entered (201)'], 950);
  assert.equal(merged.figures['queue size (Redis)'], 950);
  assert.equal(merged.figures['lost (201 but not in the queue)'], 0);
  assert.equal(merged.figures['FIFO violations'], 0);
  assert.equal(merged.figures['polls showing another position'], 0);
  // Latency is not asserted (the machine is shared): only that the merged histograms were judged.
  assert.equal(merged.thresholds.find((t) => t.name === 'enter P95' && t.level === 'seed')?.actual, merged.steps.enter.p95);
  assert.ok(merged.series.steps.enter.some((s) => s.count > 0), 'per-second series merged');
  assert.deepEqual(merged.cpu.slice(0, 2).map((c) => c.name), ['generator 1/2', 'generator 2/2']);
});

/**
 * booking's smoke variant on two generators in containers: PostgreSQL's invariants and booking
 * success checked once, over both generators' payments.
 */
test('npm run load -- booking:smoke --generators-in-containers 2', { timeout: HANG_MS + 10_000 }, () => {
  const run = runLoad('booking:smoke', '--generators-in-containers=2');
  const merged = run.report('booking-smoke-generators-2');
  assert.equal(merged.error, undefined, `the merged checks stopped early: ${merged.error}`);
  assert.deepEqual(merged.errorsByCode, {}, 'no request failed');
  assert.deepEqual(merged.generators?.map((g) => [g.generator, g.users.first, g.users.count]), [['1/2', 0, 100], ['2/2', 100, 100]]);
  assert.equal(merged.figures['fans entered'], 200);
  assert.equal(merged.figures['booking success % (paid ÷ min(fans, seats))'], 100);
  assert.equal(merged.figures['PostgreSQL: seats sold'], 100);
  assert.equal(merged.figures['SOLD on the seat map'], 100);
  for (const f of ['PostgreSQL: seats held twice', 'PostgreSQL: seats sold twice', 'PostgreSQL: reservations paid twice']) assert.equal(merged.figures[f], 0, f);
});
