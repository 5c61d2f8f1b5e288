import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../support/polling.ts';
import { startLuaHarness, type LuaHarness, stopLuaHarness } from './harness.ts';

/** Deadlines are enforced on read too: these tests run no promoter after admission. */
describe('expiry on read: status, activate, touch and enter', () => {
  let h: LuaHarness;
  before(async () => {
    h = await startLuaHarness();
  });
  after(async () => {
    await stopLuaHarness(h);
  });

  const admitted = async (policy: Record<string, number>) => {
    const c = await h.openRoom(policy);
    const entry = await h.enter(c, 'alice');
    await h.promote(c);
    return { c, entryId: entry.entryId };
  };

  it('activates a READY entry, refuses a WAITING one, and is idempotent', async () => {
    const c = await h.openRoom({ activeLimit: 1 });
    const a = await h.enter(c, 'alice');
    const b = await h.enter(c, 'bob');
    await h.promote(c);
    assert.deepEqual(await h.store.activate(c, b.entryId, 'bob'), { outcome: 'NOT_READY' });
    const { outcome: state, deadline } = (await h.store.activate(c, a.entryId, 'alice')) as { outcome: string; deadline?: number };
    assert.equal(state, 'ACTIVE');
    const { outcome: again, deadline: later } = (await h.store.activate(c, a.entryId, 'alice')) as { outcome: string; deadline?: number };
    assert.equal(again, 'ACTIVE');
    assert.equal(Number(later), Number(deadline), 'starting again moves nothing: only a box-office call or an extension does');
    assert.deepEqual(await h.members(c, 'ready'), []);
    assert.deepEqual(await h.members(c, 'active'), [a.entryId]);
  });

  it('expires a READY no-show when it is read after its deadline', async () => {
    const { c, entryId } = await admitted({ readyTtlSeconds: 1 });
    const { deadline } = await h.status(c, entryId, 'alice');
    await eventually(() => h.status(c, entryId, 'alice'), (r) => r.state === 'GONE', { what: 'READY to expire on read', timeoutMs: 5000 });
    assert.ok(Date.now() >= Number(deadline) - 50, 'not before its deadline');
    assert.deepEqual(await h.store.activate(c, entryId, 'alice'), { outcome: 'GONE' });
    assert.equal((await h.stats(c)).expired, '1');
    assert.deepEqual(await h.members(c, 'ready'), []);
  });

  it('slides an ACTIVE entry on every touch and expires it once idle', async () => {
    const { c, entryId } = await admitted({ activeIdleSeconds: 1 });
    const { deadline: first } = (await h.store.activate(c, entryId, 'alice')) as { deadline?: number };
    // Keep touching for longer than the idle timeout: the entry must stay ACTIVE throughout.
    const keptUntil = Date.now() + 1500;
    let last = Number(first);
    while (Date.now() < keptUntil) {
      const { state, deadline } = (await h.store.touch(c, entryId, 'alice')) as { state: string; deadline?: number };
      assert.equal(state, 'ACTIVE');
      assert.ok(Number(deadline) >= last, 'the idle deadline only moves forward');
      last = Number(deadline);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Reading the status does not count as activity; only core calls (touch) do.
    await eventually(() => h.status(c, entryId, 'alice'), (r) => r.state === 'GONE', { what: 'idle expiry', timeoutMs: 5000 });
    assert.deepEqual(await h.store.touch(c, entryId, 'alice'), { state: 'GONE' });
    assert.equal((await h.stats(c)).expired, '1');
  });

  it('tells the core service a WAITING or READY entry is not ACTIVE, without sliding anything', async () => {
    const c = await h.openRoom({ activeLimit: 1 });
    const a = await h.enter(c, 'alice');
    const b = await h.enter(c, 'bob');
    await h.promote(c);
    assert.deepEqual(await h.store.touch(c, a.entryId, 'alice'), { state: 'READY' });
    assert.deepEqual(await h.store.touch(c, b.entryId, 'bob'), { state: 'WAITING' });
    assert.deepEqual(await h.store.touch(c, a.entryId, 'mallory'), { state: 'GONE' });
  });

  it('lets a user whose entry expired unread enter afresh, at the back', async () => {
    const { c, entryId } = await admitted({ readyTtlSeconds: 1, paused: 0 });
    await h.setPolicy(c, { paused: '1' });
    await h.enter(c, 'bob');
    const again = await eventually(() => h.enter(c, 'alice'), (e) => e.outcome === 'NEW', { what: 'alice to enter afresh', timeoutMs: 5000 });
    assert.notEqual(again.entryId, entryId);
    assert.equal(again.position, 2);
  });

  it('ends entries with a reason: exited and completed are counted apart', async () => {
    const c = await h.openRoom({ paused: true });
    const a = await h.enter(c, 'alice');
    const b = await h.enter(c, 'bob');
    assert.equal(await h.store.finish(c, a.entryId, 'alice', 'exited'), true);
    assert.equal(await h.store.finish(c, b.entryId, 'bob', 'completed'), true);
    assert.equal(await h.store.finish(c, b.entryId, 'bob', 'completed'), false);
    await assert.rejects(h.store.finish(c, 'x', 'y', 'vanished' as 'exited'), /bad reason/);
    const stats = await h.stats(c);
    assert.deepEqual([stats.exited, stats.completed], ['1', '1']);
  });
});
