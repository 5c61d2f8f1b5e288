import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../support/polling.ts';
import { startLuaHarness, type LuaHarness, stopLuaHarness } from './harness.ts';

describe('promote.lua: admission under capacity and rate, expiry, measured rate', () => {
  let h: LuaHarness;
  before(async () => {
    h = await startLuaHarness();
  });
  after(async () => {
    await stopLuaHarness(h);
  });

  const fill = async (c: string, count: number, prefix = 'u') => {
    const entries = [];
    for (let i = 0; i < count; i++) entries.push(await h.enter(c, `${prefix}${i}`));
    return entries;
  };

  it('admits in arrival order and never beyond activeLimit', async () => {
    const c = await h.openRoom({ activeLimit: 2, paused: true });
    const entries = await fill(c, 5);
    await h.setPolicy(c, { paused: '0' });
    assert.equal((await h.promote(c)).admitted, 2);
    assert.equal((await h.promote(c)).admitted, 0);
    assert.deepEqual(await h.members(c, 'ready'), entries.slice(0, 2).map((e) => e.entryId).sort());
    assert.deepEqual(await h.members(c, 'waiting'), entries.slice(2).map((e) => e.entryId));
    const positions = await Promise.all(entries.slice(2).map((e, i) => h.status(c, e.entryId, `u${i + 2}`)));
    assert.deepEqual(positions.map((s) => s.position), [1, 2, 3]);
  });

  it('counts ACTIVE entries against the limit too, and admits the next one when a slot frees', async () => {
    const c = await h.openRoom({ activeLimit: 2 });
    const [a, b, next] = await fill(c, 3);
    await h.promote(c);
    assert.equal((await h.store.activate(c, a.entryId, 'u0')).outcome, 'ACTIVE');
    assert.equal((await h.promote(c)).admitted, 0);
    await h.store.finish(c, b.entryId, 'u1', 'exited');
    assert.equal((await h.promote(c)).admitted, 1);
    assert.equal((await h.status(c, next.entryId, 'u2')).state, 'READY');
  });

  it('admits at most admitPerSecond: the token bucket holds one burst, then refills with time', async () => {
    const c = await h.openRoom({ admitPerSecond: 5, paused: true });
    await fill(c, 40);
    await h.setPolicy(c, { paused: '0' });
    const started = Date.now();
    assert.equal((await h.promote(c)).admitted, 5);
    assert.equal((await h.promote(c)).admitted, 0, 'a second run at once finds the bucket empty');
    let admitted = 5;
    await eventually(
      async () => (admitted += (await h.promote(c)).admitted),
      (n) => n >= 10,
      { what: 'five more admissions', timeoutMs: 5000, intervalMs: 50 },
    );
    // 5 more need a full second of refill at 5 per second.
    assert.ok(Date.now() - started >= 900, `10 admitted after only ${Date.now() - started} ms`);
    assert.equal(admitted, 10);
  });

  it('admits nobody while paused, but still expires', async () => {
    const c = await h.openRoom({ readyTtlSeconds: 1 });
    const [a] = await fill(c, 1);
    await h.promote(c);
    await h.setPolicy(c, { paused: '1' });
    await fill(c, 3, 'w');
    const expired = await eventually(() => h.promote(c), (r) => r.expired === 1, { what: 'the READY no-show to expire', timeoutMs: 5000 });
    assert.equal(expired.admitted, 0);
    assert.equal((await h.promote(c)).admitted, 0);
    assert.equal((await h.status(c, a.entryId, 'u0')).state, 'GONE');
    assert.equal((await h.members(c, 'waiting')).length, 3);
  });

  it('expires READY no-shows and idle ACTIVE entries with nobody reading them, freeing their slots', async () => {
    const c = await h.openRoom({ activeLimit: 2, readyTtlSeconds: 1, activeIdleSeconds: 1 });
    const [a, b, next] = await fill(c, 3);
    await h.promote(c);
    await h.store.activate(c, a.entryId, 'u0');
    const result = await eventually(
      async () => ({ ...(await h.promote(c)), stats: await h.stats(c) }),
      (r) => r.stats.expired === '2',
      { what: 'both entries to expire', timeoutMs: 5000 },
    );
    assert.ok(result.expired >= 1);
    assert.deepEqual(await h.members(c, 'active'), []);
    assert.equal((await h.status(c, next.entryId, 'u2')).state, 'READY', 'the freed slot went to the next user');
    // Gone for good: the users can enter afresh.
    assert.equal((await h.enter(c, 'u1')).outcome, 'NEW');
    assert.equal(await h.redis.hget(`queue:{${c}}:entries`, b.entryId), null);
  });

  it('does no more than its budget of work in one run, and says when more is left', async () => {
    const c = await h.openRoom({ paused: true });
    await fill(c, 25);
    await h.setPolicy(c, { paused: '0' });
    const first = await h.promote(c, { budget: 10 });
    assert.deepEqual([first.admitted, first.more], [10, true]);
    await h.promote(c, { budget: 10 });
    const last = await h.promote(c, { budget: 10 });
    assert.deepEqual([last.admitted, last.more], [5, false]);
  });

  it('reports how long each admitted user waited since entering', async () => {
    const c = await h.openRoom({ paused: true });
    const started = Date.now();
    await fill(c, 3);
    await h.setPolicy(c, { paused: '0' });
    const { latenciesMs } = await h.promote(c);
    assert.equal(latenciesMs.length, 3);
    for (const ms of latenciesMs) assert.ok(ms >= 0 && ms <= Date.now() - started + 50, `latency ${ms} ms`);
  });

  it('measures the admission rate that estimates use, and lowers it when nobody gets in', async () => {
    const c = await h.openRoom({ activeLimit: 4, admitPerSecond: 1000, paused: true });
    const entries = await fill(c, 10);
    await h.setPolicy(c, { paused: '0' });
    const window = 200;
    await h.promote(c, { rateWindowMs: window });
    const last = entries[9];
    const measured = await eventually(
      async () => {
        await h.promote(c, { rateWindowMs: window });
        return (await h.status(c, last.entryId, 'u9')).measuredRate;
      },
      (rate) => rate !== null,
      { what: 'a measured rate', timeoutMs: 5000, intervalMs: 50 },
    );
    assert.ok(measured! > 0 && measured! <= 4 * (1000 / window), `measured ${measured}/s`);
    // Capacity stays full, waiting users get nowhere: the measured rate must fall towards 0.
    const falling = await eventually(
      async () => {
        await h.promote(c, { rateWindowMs: window });
        return (await h.status(c, last.entryId, 'u9')).measuredRate!;
      },
      (rate) => rate < measured! / 4,
      { what: 'the measured rate to fall', timeoutMs: 5000, intervalMs: 50 },
    );
    assert.ok(falling >= 0);
  });
});
