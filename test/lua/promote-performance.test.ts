import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { scriptKeys } from '../../reference-system/waiting-room/lua-scripts.ts';
import { eventually } from '../../support/polling.ts';
import { DEFAULT_PROMOTER_BATCH } from '../../reference-system/queue/promoter-settings.ts';
import { startLuaHarness, type LuaHarness, stopLuaHarness } from './harness.ts';

const WAITING = 300_000;
const BATCH = Number(process.env.PERF_BATCH ?? DEFAULT_PROMOTER_BATCH);
const LIMIT_US = 5000;

/**
 * How long one script run blocks Redis with 300,000 users waiting, measured by Redis itself
 * (SLOWLOG records each command's execution time in microseconds, network excluded).
 */
describe(`script run times with ${WAITING.toLocaleString('en')} waiting`, () => {
  let h: LuaHarness;
  let c: string;
  let master: Redis;
  before(async () => {
    h = await startLuaHarness();
    c = await h.openRoom({ paused: true, activeLimit: 1_000_000, admitPerSecond: 100_000, readyTtlSeconds: 1 });
    master = await masterOf(h, scriptKeys(c)[0]);
    for (let i = 0; i < WAITING; i += 5000) {
      await Promise.all(Array.from({ length: 5000 }, (_, j) => h.enter(c, `fan-${i + j}`)));
    }
    assert.equal(await h.redis.zcard(`queue:{${c}}:waiting`), WAITING);
    await master.config('SET', 'slowlog-log-slower-than', String(LIMIT_US));
    await master.config('SET', 'slowlog-max-len', '1000');
  });
  after(async () => {
    master?.disconnect();
    await stopLuaHarness(h);
  });

  /**
   * How long `action`'s script runs took on the concert's master, from Redis's own per-command
   * statistics (INFO commandstats / latencystats: execution time only, network excluded), and
   * how many runs took longer than LIMIT_US (SLOWLOG, which also lists the script's inner
   * commands but none of those alone come near the limit).
   */
  const timed = async (t: TestContext, what: string, action: () => Promise<unknown>) => {
    await master.config('RESETSTAT');
    await master.slowlog('RESET');
    await action();
    const commands = await master.info('commandstats');
    const latency = await master.info('latencystats');
    const calls = Number(/cmdstat_evalsha:calls=(\d+)/.exec(commands)?.[1] ?? 0) + Number(/cmdstat_eval:calls=(\d+)/.exec(commands)?.[1] ?? 0);
    const mean = Number(/cmdstat_evalsha:calls=\d+,usec=\d+,usec_per_call=([\d.]+)/.exec(commands)?.[1]);
    const pct = (p: string) => Number(new RegExp(`latency_percentiles_usec_evalsha:.*?${p}=([\\d.]+)`).exec(latency)?.[1]);
    const slow = ((await master.slowlog('GET', 1000)) as [number, number, number, string[]][]).filter((e) => /^eval/i.test(e[3][0]));
    const result = { calls, mean, p50: pct('p50'), p99: pct('p99'), over: slow.length, max: Math.max(0, ...slow.map((e) => e[2])) };
    t.diagnostic(`${what}: ${calls} runs, mean ${mean} µs, p50 ${result.p50} µs, p99 ${result.p99} µs, ${result.over} over ${LIMIT_US} µs${result.over ? ` (max ${result.max} µs)` : ''}`);
    return result;
  };

  /**
   * The box these run on is shared (two cores, six Redis nodes, Node itself), so a descheduled
   * run can show a spike that is not the script's work: the typical run must be well under the
   * limit and at most one run in twenty may exceed it.
   */
  const assertWithin = (r: Awaited<ReturnType<typeof timed>>, limitUs: number) => {
    assert.ok(r.p50 < limitUs / 2, `median ${r.p50} µs is not well under ${limitUs} µs`);
    assert.ok(r.over <= Math.floor(r.calls / 20), `${r.over} of ${r.calls} runs took over ${LIMIT_US} µs`);
  };

  it('enters and reads a status in microseconds', async (t) => {
    const enters = await timed(t, 'enter', () => Promise.all(Array.from({ length: 1000 }, (_, i) => h.enter(c, `late-${i}`))));
    const entry = await h.enter(c, 'late-999');
    const reads = await timed(t, 'status', () => Promise.all(Array.from({ length: 1000 }, () => h.status(c, entry.entryId, 'late-999'))));
    assert.equal(enters.calls, 1000);
    assertWithin(enters, 200);
    assertWithin(reads, 200);
  });

  it(`admits a batch of ${BATCH} per run within ${LIMIT_US} µs`, async (t) => {
    await h.setPolicy(c, { paused: '0' });
    let admitted = 0;
    const runs = await timed(t, `promote admitting ${BATCH}`, async () => {
      for (let i = 0; i < 40; i++) admitted += (await h.promote(c, { budget: BATCH, burstSeconds: 100 })).admitted;
    });
    assert.equal(admitted, 40 * BATCH, 'every run admitted a full batch');
    assertWithin(runs, LIMIT_US);
  });

  it(`expires a batch of ${BATCH} overdue READY entries per run within ${LIMIT_US} µs`, async (t) => {
    await h.setPolicy(c, { paused: '1' });
    // Everyone admitted above had a 1 s READY window: wait (server time) until all have passed.
    const deadline = Number((await h.redis.zrange(`queue:{${c}}:ready`, '-1', '-1', 'WITHSCORES'))[1]);
    const serverNow = async () => Number(((await h.redis.call('TIME')) as string[])[0]) * 1000;
    await eventually(serverNow, (now) => now > deadline + 1000, { what: 'READY deadlines to pass', timeoutMs: 10_000 });
    let expired = 0;
    const runs = await timed(t, `promote expiring ${BATCH}`, async () => {
      for (let i = 0; i < 40; i++) expired += (await h.promote(c, { budget: BATCH })).expired;
    });
    assert.equal(expired, 40 * BATCH);
    assertWithin(runs, LIMIT_US);
  });
});

async function masterOf(h: LuaHarness, key: string): Promise<Redis> {
  const slot = Number(await h.redis.call('CLUSTER', 'KEYSLOT', key));
  const slots = (await h.redis.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
  const [, , [host, port]] = slots.find(([from, to]) => slot >= from && slot <= to)!;
  const node = h.cluster.nodes.find((n) => n.internal.host === host && n.internal.port === port)!;
  const client = h.cluster.connectNode(node);
  await client.connect();
  return client;
}
