import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { commitmentOf, drawHash, drawScore } from '../../reference-system/queue/draw.ts';
import { queueKeys } from '../../reference-system/waiting-room/keys.ts';
import { eventually } from '../../support/polling.ts';
import { startLuaHarness, type LuaHarness, stopLuaHarness } from './harness.ts';

/** Scheduled sales: not open, then a pre-queue whose order is drawn at entry, then the sale. */
describe('pre-queue: enter, status, promote and stats around a sale start', () => {
  let h: LuaHarness;
  before(async () => {
    h = await startLuaHarness();
  });
  after(async () => {
    await stopLuaHarness(h);
  });

  const serverNow = async () => {
    const [s, us] = (await h.redis.call('TIME')) as string[];
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  };

  /** A room whose pre-queue opens and sale starts at these offsets (ms) from the server's now. */
  const scheduled = async (opensIn: number | null, startsIn: number) => {
    const c = await h.openRoom();
    const now = await serverNow();
    const seed = randomBytes(32).toString('hex');
    await h.redis.hset(queueKeys(c).draw, 'seed', seed, 'commitment', commitmentOf(seed));
    await h.setPolicy(c, { saleStartsAt: now + startsIn, ...(opensIn === null ? {} : { preQueueOpensAt: now + opensIn }) });
    return { c, seed, startsAt: now + startsIn };
  };

  it('refuses entry before the pre-queue opens, saying when it opens', async () => {
    const c = await h.openRoom();
    const now = await serverNow();
    await h.setPolicy(c, { preQueueOpensAt: now + 60_000, saleStartsAt: now + 120_000 });
    assert.deepEqual(await h.store.enter(c, 'alice', 'bits', '1'), { outcome: 'NOT_OPEN', opensAt: now + 60_000 });
    assert.equal(await h.redis.zcard(queueKeys(c).waiting), 0);
    assert.equal((await h.stats(c)).entered, undefined);
  });

  it('asks for the draw, then pre-queues at the drawn place; re-entry keeps it; nobody is admitted', async () => {
    const { c, seed, startsAt } = await scheduled(null, 60_000);
    assert.deepEqual(await h.store.enter(c, 'alice', 'bits', ''), { outcome: 'NEED_DRAW' });
    const alice = await h.enter(c, 'alice', String(drawScore(seed, 'alice')));
    assert.deepEqual([alice.outcome, alice.state, alice.position, alice.totalWaiting, alice.saleStartsAt], ['NEW', 'PRE_QUEUE', null, 1, startsAt]);
    const again = await h.enter(c, 'alice', String(drawScore(seed, 'alice')));
    assert.deepEqual([again.outcome, again.state, again.entryId, again.position], ['EXISTING', 'PRE_QUEUE', alice.entryId, null]);
    const status = await h.status(c, alice.entryId, 'alice');
    assert.deepEqual([status.state, status.position, status.totalWaiting, status.saleStartsAt], ['PRE_QUEUE', null, 1, startsAt]);
    assert.equal((await h.promote(c)).admitted, 0);
    assert.deepEqual(await h.store.activate(c, alice.entryId, 'alice'), { outcome: 'NOT_READY' });
    assert.deepEqual(await h.store.extend(c, alice.entryId, 'alice'), { outcome: 'NOT_ACTIVE' });
    assert.deepEqual(await h.store.touch(c, alice.entryId, 'alice'), { state: 'PRE_QUEUE' });
  });

  it('keeps the seed secret until the start, then publishes it; counts the pre-queue apart', async () => {
    const { c, seed } = await scheduled(null, 1500);
    for (const user of ['ann', 'ben', 'cat']) await h.enter(c, user, String(drawScore(seed, user)));
    const before = await h.store.stats(c);
    assert.deepEqual([before.waiting, before.preQueued, before.drawCommitment, before.drawSeed], [0, 3, commitmentOf(seed), null]);
    const after = await eventually(() => h.store.stats(c), (s) => s.drawSeed !== null, { what: 'the sale to start', timeoutMs: 5000, intervalMs: 50 });
    assert.deepEqual([after.waiting, after.preQueued, after.drawCommitment, after.drawSeed], [3, 0, commitmentOf(seed), seed]);
  });

  it('at the start lets the pre-queue wait in the drawn order, ahead of later arrivals in arrival order', async () => {
    const { c, seed } = await scheduled(null, 1500);
    const early = Array.from({ length: 50 }, (_, i) => `early-${i}`);
    const entries = new Map<string, string>();
    for (const user of early) entries.set(user, (await h.enter(c, user, String(drawScore(seed, user)))).entryId);
    // Waiting for the start: the promoter admits nobody until then.
    await eventually(async () => (await h.status(c, entries.get('early-0')!, 'early-0')).state, (s) => s === 'WAITING', { what: 'the sale to start', timeoutMs: 5000, intervalMs: 50 });
    // A late fan's draw score, were one sent, is ignored after the start.
    const late = [await h.enter(c, 'late-1', '-9007199254740992'), await h.enter(c, 'late-2', '')];
    assert.deepEqual(late.map((e) => [e.state, e.position]), [['WAITING', 51], ['WAITING', 52]]);
    const drawn = [...early].sort((a, b) => (drawHash(seed, a) < drawHash(seed, b) ? -1 : 1));
    assert.notDeepEqual(drawn, early, 'the draw is not the arrival order');
    const positions = await Promise.all(drawn.map((user) => h.status(c, entries.get(user)!, user)));
    assert.deepEqual(positions.map((s) => s.position), drawn.map((_, i) => i + 1));
    // Admission takes them in that order.
    await h.setPolicy(c, { activeLimit: 1000 });
    await h.promote(c, { budget: 10 });
    const ready = new Set(await h.members(c, 'ready'));
    assert.deepEqual(drawn.slice(0, 10).map((u) => ready.has(entries.get(u)!)), Array(10).fill(true));
  });
});
