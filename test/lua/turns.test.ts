import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../support/polling.ts';
import { startLuaHarness, type LuaHarness, stopLuaHarness } from './harness.ts';

/** A shopping turn ends at the earlier of its idle and session deadlines; extensions move the latter. */
describe('turns: session cap and extensions (activate, touch, extend)', () => {
  let h: LuaHarness;
  before(async () => {
    h = await startLuaHarness();
  });
  after(async () => {
    await stopLuaHarness(h);
  });

  const shopping = async (policy: Record<string, number>) => {
    const c = await h.openRoom(policy);
    const { entryId } = await h.enter(c, 'alice');
    await h.promote(c);
    const { outcome: state, deadline } = (await h.store.activate(c, entryId, 'alice')) as { outcome: string; deadline: number };
    assert.equal(state, 'ACTIVE');
    return { c, entryId, deadline: Number(deadline) };
  };

  it('caps a busy turn at its session deadline, with nobody but the box office calling', async () => {
    const { c, entryId, deadline } = await shopping({ sessionSeconds: 1, activeIdleSeconds: 300 });
    const { deadline: again } = (await h.store.activate(c, entryId, 'alice')) as { deadline: number };
    assert.equal(Number(again), deadline, 'starting again does not move the session deadline');
    // Touching slides the idle deadline, never past the session's.
    const touched = await eventually(() => h.store.touch(c, entryId, 'alice'), (r) => r.state === 'GONE', { what: 'the session to end', timeoutMs: 5000, intervalMs: 50 });
    assert.deepEqual(touched, { state: 'GONE' });
    assert.ok(Date.now() >= deadline - 50, 'not before the session deadline');
    assert.equal((await h.stats(c)).expired, '1');
    assert.equal(await h.redis.hlen(`queue:{${c}}:turns`), 0, 'the ended turn leaves nothing behind');
  });

  it('ends a capped turn in the promoter too', async () => {
    const { c } = await shopping({ sessionSeconds: 1, activeIdleSeconds: 300 });
    await eventually(() => h.promote(c), (r) => r.expired === 1, { what: 'the promoter to end the session', timeoutMs: 5000, intervalMs: 100 });
    assert.deepEqual(await h.members(c, 'active'), []);
  });

  it('extends the session by sessionSeconds at most maxExtensions times', async () => {
    const { c, entryId, deadline } = await shopping({ sessionSeconds: 100, activeIdleSeconds: 1000, maxExtensions: 2 });
    const { outcome: s1, deadline: d1, extensionsLeft: left1 } = (await h.store.extend(c, entryId, 'alice')) as { outcome: string; deadline: number; extensionsLeft: number };
    assert.equal(s1, 'ACTIVE');
    assert.equal(Number(d1), deadline + 100_000);
    assert.equal(left1, 1);
    const { deadline: d2, extensionsLeft: left2 } = (await h.store.extend(c, entryId, 'alice')) as { deadline: number; extensionsLeft: number };
    assert.equal(Number(d2), deadline + 200_000);
    assert.equal(left2, 0);
    assert.deepEqual(await h.store.extend(c, entryId, 'alice'), { outcome: 'EXTENSION_LIMIT' });
    assert.equal(Number(await h.redis.zscore(`queue:{${c}}:active`, entryId)), deadline + 200_000);
  });

  it('leaves the idle deadline in charge when it comes first', async () => {
    const { c, entryId, deadline } = await shopping({ sessionSeconds: 100, activeIdleSeconds: 10 });
    const { deadline: extended } = (await h.store.extend(c, entryId, 'alice')) as { deadline: number };
    assert.ok(Number(extended) <= deadline + 50, 'an extension does not count as activity');
    const { deadline: touched } = (await h.store.touch(c, entryId, 'alice')) as { deadline: number };
    assert.ok(Number(touched) < Date.now() + 11_000);
  });

  it('refuses to extend an entry that is not ACTIVE, or another user\'s', async () => {
    const c = await h.openRoom({ activeLimit: 1 });
    const a = await h.enter(c, 'alice');
    const b = await h.enter(c, 'bob');
    await h.promote(c);
    assert.deepEqual(await h.store.extend(c, a.entryId, 'alice'), { outcome: 'NOT_ACTIVE' });
    assert.deepEqual(await h.store.extend(c, b.entryId, 'bob'), { outcome: 'NOT_ACTIVE' });
    assert.deepEqual(await h.store.extend(c, a.entryId, 'mallory'), { outcome: 'GONE' });
  });

  it('refuses any extension with maxExtensions 0', async () => {
    const { c, entryId } = await shopping({ maxExtensions: 0 });
    assert.deepEqual(await h.store.extend(c, entryId, 'alice'), { outcome: 'EXTENSION_LIMIT' });
  });
});
