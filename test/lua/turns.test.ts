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
    const [state, deadline] = await h.run('activate', c, entryId, 'alice');
    assert.equal(state, 'ACTIVE');
    return { c, entryId, deadline: Number(deadline) };
  };

  it('caps a busy turn at its session deadline, with nobody but the box office calling', async () => {
    const { c, entryId, deadline } = await shopping({ sessionSeconds: 1, activeIdleSeconds: 300 });
    const [, again] = await h.run('activate', c, entryId, 'alice');
    assert.equal(Number(again), deadline, 'starting again does not move the session deadline');
    // Touching slides the idle deadline, never past the session's.
    const touched = await eventually(() => h.run('touch', c, entryId, 'alice'), (r) => r[0] === 'GONE', { what: 'the session to end', timeoutMs: 5000, intervalMs: 50 });
    assert.deepEqual(touched, ['GONE']);
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
    const [s1, d1, left1] = await h.run('extend', c, entryId, 'alice');
    assert.equal(s1, 'ACTIVE');
    assert.equal(Number(d1), deadline + 100_000);
    assert.equal(left1, 1);
    const [, d2, left2] = await h.run('extend', c, entryId, 'alice');
    assert.equal(Number(d2), deadline + 200_000);
    assert.equal(left2, 0);
    assert.deepEqual(await h.run('extend', c, entryId, 'alice'), ['EXTENSION_LIMIT']);
    assert.equal(Number(await h.redis.zscore(`queue:{${c}}:active`, entryId)), deadline + 200_000);
  });

  it('leaves the idle deadline in charge when it comes first', async () => {
    const { c, entryId, deadline } = await shopping({ sessionSeconds: 100, activeIdleSeconds: 10 });
    const [, extended] = await h.run('extend', c, entryId, 'alice');
    assert.ok(Number(extended) <= deadline + 50, 'an extension does not count as activity');
    const [, touched] = await h.run('touch', c, entryId, 'alice');
    assert.ok(Number(touched) < Date.now() + 11_000);
  });

  it('refuses to extend an entry that is not ACTIVE, or another user\'s', async () => {
    const c = await h.openRoom({ activeLimit: 1 });
    const a = await h.enter(c, 'alice');
    const b = await h.enter(c, 'bob');
    await h.promote(c);
    assert.deepEqual(await h.run('extend', c, a.entryId, 'alice'), ['NOT_ACTIVE']);
    assert.deepEqual(await h.run('extend', c, b.entryId, 'bob'), ['NOT_ACTIVE']);
    assert.deepEqual(await h.run('extend', c, a.entryId, 'mallory'), ['GONE']);
  });

  it('refuses any extension with maxExtensions 0', async () => {
    const { c, entryId } = await shopping({ maxExtensions: 0 });
    assert.deepEqual(await h.run('extend', c, entryId, 'alice'), ['EXTENSION_LIMIT']);
  });
});
