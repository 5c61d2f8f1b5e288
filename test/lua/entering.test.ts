import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLuaHarness, type LuaHarness, stopLuaHarness } from './harness.ts';

describe('enter.lua and status.lua: arrival order and positions', () => {
  let h: LuaHarness;
  before(async () => {
    h = await startLuaHarness();
  });
  after(async () => {
    await stopLuaHarness(h);
  });

  it('answers NO_CONCERT for a concert without a waiting room, and creates nothing', async () => {
    assert.deepEqual(await h.store.enter('no-such-concert', 'u1', 'e1', ''), { outcome: 'NO_CONCERT' });
    assert.equal(await h.redis.exists('queue:{no-such-concert}:waiting', 'queue:{no-such-concert}:users'), 0);
  });

  it('gives a new entry the next 1-based position and the same entry on re-entry', async () => {
    const c = await h.openRoom({ paused: true });
    const a = await h.enter(c, 'alice');
    const b = await h.enter(c, 'bob');
    assert.deepEqual([a.outcome, a.state, a.position, a.totalWaiting], ['NEW', 'WAITING', 1, 1]);
    assert.deepEqual([b.outcome, b.position, b.totalWaiting], ['NEW', 2, 2]);
    const again = await h.enter(c, 'bob');
    assert.deepEqual([again.outcome, again.entryId, again.position, again.totalWaiting], ['EXISTING', b.entryId, 2, 2]);
    assert.equal((await h.stats(c)).entered, '2');
  });

  it('keeps the order the entries were accepted in, however many arrive at once', async () => {
    const c = await h.openRoom({ paused: true });
    const users = Array.from({ length: 2000 }, (_, i) => `u${i}`);
    // Sent in this order over one connection (auto-pipelined): many land in the same millisecond.
    const entries = await Promise.all(users.map((u) => h.enter(c, u)));
    assert.deepEqual(entries.map((e) => e.position), users.map((_, i) => i + 1));
    assert.deepEqual(await h.members(c, 'waiting'), entries.map((e) => e.entryId));
  });

  it('only ever moves a waiting user forward, as users ahead leave or are admitted', async () => {
    const c = await h.openRoom({ paused: true, activeLimit: 1000 });
    const entries = [];
    for (let i = 0; i < 10; i++) entries.push(await h.enter(c, `p${i}`));
    const last = entries[9];
    const seen = [(await h.status(c, last.entryId, 'p9')).position!];
    await h.store.finish(c, entries[3].entryId, 'p3', 'exited');
    seen.push((await h.status(c, last.entryId, 'p9')).position!);
    await h.enter(c, 'late-comer');
    seen.push((await h.status(c, last.entryId, 'p9')).position!);
    await h.setPolicy(c, { paused: '0' });
    await h.promote(c, { budget: 2 });
    seen.push((await h.status(c, last.entryId, 'p9')).position!);
    assert.deepEqual(seen, [10, 9, 9, 7]);
  });

  it('starts afresh at the back after the user exited', async () => {
    const c = await h.openRoom({ paused: true });
    const first = await h.enter(c, 'alice');
    await h.enter(c, 'bob');
    assert.equal(await h.store.finish(c, first.entryId, 'alice', 'exited'), true);
    const back = await h.enter(c, 'alice');
    assert.equal(back.outcome, 'NEW');
    assert.notEqual(back.entryId, first.entryId);
    assert.equal(back.position, 2);
    assert.equal((await h.status(c, first.entryId, 'alice')).state, 'GONE');
  });

  it('tells nobody else about an entry: a status for another user of the entry is GONE', async () => {
    const c = await h.openRoom({ paused: true });
    const a = await h.enter(c, 'alice');
    assert.equal((await h.status(c, a.entryId, 'mallory')).state, 'GONE');
    assert.equal(await h.store.finish(c, a.entryId, 'mallory', 'exited'), false);
    assert.equal((await h.status(c, a.entryId, 'alice')).state, 'WAITING');
  });

  it('bases estimates on the policy rate until a rate was measured', async () => {
    const c = await h.openRoom({ paused: true, admitPerSecond: 7, readyTtlSeconds: 42 });
    const a = await h.enter(c, 'alice');
    const s = await h.status(c, a.entryId, 'alice');
    assert.deepEqual([s.measuredRate, s.admitPerSecond, s.readyTtl], [null, 7, 42]);
  });
});
