import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { commitmentOf, drawHash, drawScore } from '../../reference-system/queue/draw.ts';
import { journalKey, queueKeys, shardKeys } from '../../reference-system/waiting-room/keys.ts';
import { createRoomStore } from '../../reference-system/waiting-room/room-store.ts';
import { createRooms } from '../../reference-system/waiting-room/rooms.ts';
import { entryShard, type ShardedLayout } from '../../reference-system/waiting-room/room-layout.ts';
import { firstEligible } from '../../reference-system/waiting-room/sharded-admission.ts';
import { causalOrderViolations } from '../../load/checks/fifo.ts';
import { startLuaHarness, type LuaHarness, stopLuaHarness } from './harness.ts';

/**
 * A room spread over shards (waiting-room/sharded-room.ts, sharded-admission.ts, lua/shard/,
 * lua/admission/) on a real 3-master cluster: order and positions across shards, admission by
 * racing and dying promoters, re-entry, the layout change, the pre-queue's draw.
 */
describe('a waiting room spread over shards', () => {
  let h: LuaHarness;
  before(async () => {
    h = await startLuaHarness();
  });
  after(async () => {
    await stopLuaHarness(h);
  });

  const layoutOf = async (c: string) => (await h.rooms.layout(c)) as ShardedLayout;
  /** Every fan of the room in its order: each shard's waiting set merged by (score, shard). */
  const roomOrder = async (c: string) => {
    const layout = await layoutOf(c);
    const all: { entryId: string; score: number; shard: number }[] = [];
    for (const [shard, tag] of layout.tags.entries()) {
      const items = await h.redis.zrange(shardKeys(tag).waiting, 0, -1, 'WITHSCORES');
      for (let i = 0; i < items.length; i += 2) all.push({ entryId: items[i], score: Number(items[i + 1]), shard });
    }
    return all.sort((a, b) => a.score - b.score || a.shard - b.shard).map((e) => e.entryId);
  };

  it('places its shards on distinct masters, away from the home slot first', async () => {
    const c = await h.openShardedRoom(3);
    const layout = await layoutOf(c);
    assert.equal(layout.tags.length, 3);
    const masters = await Promise.all(layout.tags.map(async (tag) => (await h.cluster.ownerOf(shardKeys(tag).waiting)).nodeId));
    assert.equal(new Set(masters).size, 3);
    const home = (await h.cluster.ownerOf(queueKeys(c).policy)).nodeId;
    assert.notEqual(masters[0], home, 'shard 0 is on another master than the home slot');
    const two = await h.openShardedRoom(2);
    const homeOfTwo = (await h.cluster.ownerOf(queueKeys(two).policy)).nodeId;
    for (const tag of (await layoutOf(two)).tags) assert.notEqual((await h.cluster.ownerOf(shardKeys(tag).waiting)).nodeId, homeOfTwo);
  });

  it('tells fans who enter one after another their places 1, 2, … over every shard, and the same place on re-entry', async () => {
    const c = await h.openShardedRoom(3, { paused: true });
    const fans = [];
    for (let i = 0; i < 30; i++) fans.push(await h.enterRoom(c, `seq-${i}`));
    assert.deepEqual(fans.map((f) => [f.outcome, f.state, f.position, f.totalWaiting]), fans.map((_, i) => ['NEW', 'WAITING', i + 1, i + 1]));
    const shardsUsed = new Set(fans.map((f) => entryShard(f.entryId)!.shard));
    assert.equal(shardsUsed.size, 3, 'thirty fans land on all three shards');
    const again = await h.enterRoom(c, 'seq-4');
    assert.deepEqual([again.outcome, again.entryId, again.position, again.totalWaiting], ['EXISTING', fans[4].entryId, 5, 30]);
    for (const [i, f] of fans.entries()) assert.equal((await h.rooms.status(c, f.entryId, `seq-${i}`))?.position, i + 1);
    const stats = await h.rooms.stats(c);
    assert.equal(stats.waiting, 30);
    assert.equal(stats.shardWaiting.reduce((a, b) => a + b, 0), 30);
    assert.equal(stats.counters.entered, '30');
    assert.deepEqual(await roomOrder(c), fans.map((f) => f.entryId));
  });

  it('keeps real-time order and exact positions for 1,500 fans entering at once through two instances', async () => {
    const c = await h.openShardedRoom(3, { paused: true });
    const other = h.cluster.createClient();
    try {
      const instances = [h.rooms, createRooms({ redis: other, store: createRoomStore(other) })];
      const users = Array.from({ length: 1500 }, (_, i) => `rush-${i}`);
      const sent: number[] = [];
      const answered: number[] = [];
      const told = await Promise.all(
        users.map(async (u, i) => {
          await new Promise((r) => setTimeout(r, Math.floor(i / 50)));
          sent[i] = performance.now();
          const r = await instances[i % 2].enter(c, u, randomBytes(16).toString('base64url'), '');
          answered[i] = performance.now();
          assert.ok(r.outcome === 'NEW');
          return r;
        }),
      );
      const order = await roomOrder(c);
      const rank = new Map(order.map((id, i) => [id, i]));
      const ranks = told.map((r) => rank.get(r.entryId));
      assert.equal(order.length, users.length);
      // Nobody sits ahead of a fan whose enter was answered before hers was sent…
      assert.equal(causalOrderViolations(users.map((_, i) => ({ sentAt: sent[i], answeredAt: answered[i] })), ranks), 0);
      // …and every fan sits exactly where her answer said, though others entered at the same time.
      const misplaced = told.filter((r, i) => ranks[i]! + 1 !== r.entry.position);
      assert.equal(misplaced.length, 0, `${misplaced.length} fans are not at the position they were told`);
    } finally {
      other.disconnect();
    }
  });

  it('lets fans in across shards in the order they entered, within capacity and rate; positions only fall', async () => {
    const c = await h.openShardedRoom(3, { activeLimit: 4, admitPerSecond: 1000 });
    const fans: ({ user: string } & Awaited<ReturnType<LuaHarness['enterRoom']>>)[] = [];
    for (let i = 0; i < 12; i++) fans.push({ user: `adm-${i}`, ...(await h.enterRoom(c, `adm-${i}`)) });
    const last = fans[11];
    const seen = [(await h.rooms.status(c, last.entryId, last.user))!.position];
    const admittedInRound: string[][] = [];
    for (let round = 0; round < 3; round++) {
      await h.promoteRoom(c);
      const ready = new Set(await h.members(c, 'ready'));
      assert.ok(ready.size <= 4, `READY + ACTIVE within the limit: ${ready.size}`);
      admittedInRound.push(fans.filter((f) => ready.has(f.entryId)).map((f) => f.user));
      if (round < 2) seen.push((await h.rooms.status(c, last.entryId, last.user))!.position);
      for (const f of fans.filter((f) => ready.has(f.entryId))) assert.equal(await h.rooms.finish(c, f.entryId, f.user, 'completed'), true);
      const stats = await h.rooms.stats(c);
      assert.equal(stats.waiting, 12 - 4 * (round + 1));
    }
    assert.deepEqual(admittedInRound, [0, 1, 2].map((r) => fans.slice(r * 4, r * 4 + 4).map((f) => f.user)));
    assert.deepEqual(seen, [12, 8, 4]);
    const stats = await h.rooms.stats(c);
    assert.deepEqual([stats.counters.admitted, stats.counters.completed, stats.counters.entered], ['12', '12', '12']);
  });

  it('lets a fan leave from her shard while waiting and from home once let in; her shard forgets her', async () => {
    const c = await h.openShardedRoom(3, { activeLimit: 1 });
    const ann = await h.enterRoom(c, 'ann');
    const ben = await h.enterRoom(c, 'ben');
    const cat = await h.enterRoom(c, 'cat');
    assert.equal(await h.rooms.finish(c, ben.entryId, 'ben', 'exited'), true);
    assert.equal((await h.rooms.status(c, cat.entryId, 'cat'))?.position, 2);
    await h.promoteRoom(c);
    assert.equal((await h.rooms.status(c, ann.entryId, 'ann'))?.state, 'READY');
    // Re-entry while let in: the same entry, READY, no position.
    const again = await h.enterRoom(c, 'ann');
    assert.deepEqual([again.outcome, again.entryId, again.state, again.position], ['EXISTING', ann.entryId, 'READY', null]);
    assert.equal((await h.rooms.activate(c, ann.entryId, 'ann')).outcome, 'ACTIVE');
    assert.equal((await h.rooms.activate(c, cat.entryId, 'cat')).outcome, 'NOT_READY');
    assert.equal((await h.rooms.touch(c, cat.entryId, 'cat')).state, 'WAITING');
    assert.equal((await h.rooms.extend(c, cat.entryId, 'cat')).outcome, 'NOT_ACTIVE');
    assert.equal(await h.rooms.finish(c, ann.entryId, 'ann', 'exited'), true);
    assert.equal(await h.rooms.status(c, ann.entryId, 'ann'), undefined);
    const tag = (await layoutOf(c)).tags[entryShard(ann.entryId)!.shard];
    assert.equal(await h.redis.hget(shardKeys(tag).users, 'ann'), null, 'her shard forgot her');
    const back = await h.enterRoom(c, 'ann');
    assert.notEqual(back.entryId, ann.entryId);
    assert.deepEqual([back.outcome, back.state, back.position], ['NEW', 'WAITING', 2]);
    const stats = await h.rooms.stats(c);
    assert.deepEqual([stats.counters.exited, stats.counters.entered, stats.waiting], ['2', '4', 2]);
  });

  it('starts a fan afresh at the back once her entry, let in, expired at home; her shard forgets her after a later batch', async () => {
    const c = await h.openShardedRoom(3, { readyTtlSeconds: 1 });
    const dan = await h.enterRoom(c, 'dan');
    await h.promoteRoom(c);
    assert.equal((await h.rooms.status(c, dan.entryId, 'dan'))?.state, 'READY');
    await new Promise((r) => setTimeout(r, 1100));
    const eve = await h.enterRoom(c, 'eve');
    await h.promoteRoom(c); // expires dan at home, lets eve in
    const tag = (await layoutOf(c)).tags[entryShard(dan.entryId)!.shard];
    await h.promoteRoom(c); // a later batch: dan's shard is told he ended
    assert.equal(await h.redis.zscore(shardKeys(tag).taken, dan.entryId), null, 'the shard forgot the ended entry');
    const back = await h.enterRoom(c, 'dan');
    assert.notEqual(back.entryId, dan.entryId);
    assert.equal(back.outcome, 'NEW');
    assert.equal((await h.rooms.status(c, eve.entryId, 'eve'))?.state, 'READY');
  });

  it('finishes a batch whose promoter died between two shards: a fan\'s request does it, and the late promoter changes nothing', async () => {
    const c = await h.openShardedRoom(3, { activeLimit: 100 });
    const fans = [];
    for (let i = 0; i < 9; i++) fans.push({ user: `kill-${i}`, ...(await h.enterRoom(c, `kill-${i}`)) });
    const layout = await layoutOf(c);
    const { admission, shard } = h.store;
    const start = await admission.begin(c, { budget: 5, burstSeconds: 1, rateWindowMs: 5000, leaseMs: 60_000, owner: 'dead', anyoneWaiting: true });
    assert.equal(start.outcome, 'BATCH');
    const batch = start.batch!;
    const cuts = await Promise.all(layout.tags.map((tag) => shard.heads(tag, layout.version, start.n, batch, 10)));
    const plan = firstEligible(cuts.map((cut) => (cut.outcome === 'CUT' ? cut : assert.fail('cut refused'))), start.n);
    assert.deepEqual(plan, fans.slice(0, 5).map((f) => f.entryId));
    assert.equal(await admission.plan(c, batch, 'dead', plan), true);
    // It takes its fans off one shard, then dies.
    const first = entryShard(plan[0])!.shard;
    const firstIds = plan.filter((id) => entryShard(id)!.shard === first);
    await shard.take(layout.tags[first], layout.version, batch, firstIds);
    // Another promoter sees the batch held by its lease.
    assert.equal((await h.promoteRoom(c)).admitted, 0);
    // A fan of that shard checks her place: the batch is finished for her.
    const fan = fans.find((f) => f.entryId === firstIds[0])!;
    assert.equal((await h.rooms.status(c, fan.entryId, fan.user))?.state, 'READY');
    assert.deepEqual((await h.members(c, 'ready')).sort(), [...plan].sort());
    assert.equal(await h.redis.exists(journalKey(c)), 0);
    // The dead promoter comes back: its takes find its fans taken, its commit finds the batch done.
    for (const [k, tag] of layout.tags.entries()) {
      const ids = plan.filter((id) => entryShard(id)!.shard === k);
      if (ids.length) assert.deepEqual(((await shard.take(tag, layout.version, batch, ids)) as { taken: { entryId: string }[] }).taken.map((t) => t.entryId), ids);
    }
    const late = await admission.commit(c, batch, { burstSeconds: 1, rateWindowMs: 5000, anyoneWaiting: true, taken: plan.map((entryId, i) => ({ entryId, userId: `kill-${i}` })), check: [] });
    assert.equal(late.committed, false);
    const stats = await h.rooms.stats(c);
    assert.deepEqual([stats.ready, stats.counters.admitted, stats.waiting], [5, '5', 4]);
    for (const f of fans.slice(5)) assert.equal((await h.rooms.status(c, f.entryId, f.user))?.state, 'WAITING');
  });

  it('finishes a dead promoter\'s batch from its plan in the next run once its lease ran out', async () => {
    const c = await h.openShardedRoom(3, { activeLimit: 100 });
    const fans = [];
    for (let i = 0; i < 6; i++) fans.push(await h.enterRoom(c, `lease-${i}`));
    const layout = await layoutOf(c);
    const { admission, shard } = h.store;
    const start = await admission.begin(c, { budget: 4, burstSeconds: 1, rateWindowMs: 5000, leaseMs: 300, owner: 'dead', anyoneWaiting: true });
    const cuts = await Promise.all(layout.tags.map((tag) => shard.heads(tag, layout.version, start.n, start.batch!, 10)));
    const plan = firstEligible(cuts as never, start.n);
    await admission.plan(c, start.batch!, 'dead', plan);
    const k = entryShard(plan[0])!.shard;
    await shard.take(layout.tags[k], layout.version, start.batch!, plan.filter((id) => entryShard(id)!.shard === k));
    assert.equal((await h.promoteRoom(c)).admitted, 0, 'the lease still holds');
    await new Promise((r) => setTimeout(r, 350));
    const resumed = await h.promoteRoom(c);
    assert.equal(resumed.admitted, 4);
    assert.deepEqual((await h.members(c, 'ready')).sort(), fans.slice(0, 4).map((f) => f.entryId).sort());
    assert.equal((await h.promoteRoom(c)).admitted, 2, 'the next batch goes on from there');
  });

  it('never lets more in than allowed, nor anyone twice, nor out of order, with three promoters racing', async () => {
    const limit = 7;
    const c = await h.openShardedRoom(3, { activeLimit: limit, admitPerSecond: 100_000 });
    const clients = Array.from({ length: 3 }, () => h.cluster.createClient());
    try {
      const promoters = clients.map((redis) => createRooms({ redis, store: createRoomStore(redis) }));
      const users = Array.from({ length: 300 }, (_, i) => `race-${i}`);
      const entries: { user: string; entryId: string }[] = [];
      for (const u of users) entries.push({ user: u, entryId: (await h.enterRoom(c, u)).entryId });
      const order = new Map(entries.map((e, i) => [e.entryId, i]));
      const admittedAt: number[] = [];
      let maxInUse = 0;
      let finished = 0;
      const done = new Set<string>();
      const twice: string[] = [];
      let racing = true;
      const race = promoters.map(async (rooms) => {
        while (racing) await h.promoteRoom(c, { budget: 3, leaseMs: 500 }, rooms);
      });
      while (finished < users.length) {
        const { ready, active } = await h.rooms.stats(c);
        maxInUse = Math.max(maxInUse, ready + active);
        for (const id of await h.members(c, 'ready')) {
          if (done.has(id)) twice.push(id);
          admittedAt.push(order.get(id)!);
          done.add(id);
          const e = entries[order.get(id)!];
          await h.rooms.finish(c, id, e.user, 'completed');
          finished++;
        }
      }
      racing = false;
      await Promise.all(race);
      assert.ok(maxInUse <= limit, `READY + ACTIVE reached ${maxInUse}, limit ${limit}`);
      assert.deepEqual(twice, []);
      const stats = await h.rooms.stats(c);
      assert.equal(stats.counters.admitted, String(users.length));
      // Read in rounds of READY sets: within a round any order, across rounds arrival order.
      let outOfOrder = 0;
      for (let i = 1; i < admittedAt.length; i++) if (admittedAt[i] < admittedAt[i - 1] - limit) outOfOrder++;
      assert.equal(outOfOrder, 0);
    } finally {
      for (const client of clients) client.disconnect();
    }
  });

  it('changes its number of shards only while nobody entered: 409-worthy after, race-free against a first enter', async () => {
    const c = await h.openRoom();
    for (const n of [3, 2, 1, 4]) assert.equal(await h.rooms.setShards(c, n), 'OK');
    assert.equal((await h.rooms.layout(c)).shards, 4);
    await h.enterRoom(c, 'first');
    assert.equal(await h.rooms.setShards(c, 2), 'SHARDS_LOCKED');
    assert.equal(await h.rooms.setShards(c, 4), 'OK', 'the same number is no change');
    assert.equal((await h.rooms.layout(c)).shards, 4);
    const single = await h.openRoom();
    await h.enterRoom(single, 'first');
    assert.equal(await h.rooms.setShards(single, 3), 'SHARDS_LOCKED');
    assert.equal((await h.rooms.layout(single)).shards, 1);

    for (const from of [1, 3]) {
      const raced = await h.openRoom({ paused: true });
      if (from > 1) await h.rooms.setShards(raced, from);
      const other = h.cluster.createClient();
      try {
        const second = createRooms({ redis: other, store: createRoomStore(other) });
        const enters = Array.from({ length: 40 }, (_, i) => (i % 2 ? second : h.rooms).enter(raced, `r-${i}`, randomBytes(16).toString('base64url'), ''));
        const [changed, ...entered] = await Promise.allSettled([h.rooms.setShards(raced, 2), ...enters]);
        const refusedForNow = entered.filter((e) => e.status === 'rejected');
        for (const e of refusedForNow) assert.match(String((e as PromiseRejectedResult).reason), /retry shortly/);
        for (const [i, e] of entered.entries()) if (e.status === 'rejected') await (i % 2 ? second : h.rooms).enter(raced, `r-${i}`, randomBytes(16).toString('base64url'), '');
        const stats = await h.rooms.stats(raced);
        assert.equal(stats.counters.entered, '40', `from ${from} shard(s), the change ${(changed as PromiseFulfilledResult<string>).value}`);
        assert.equal(stats.waiting, 40);
        const positions = [];
        for (let i = 0; i < 40; i++) {
          const again = await h.enterRoom(raced, `r-${i}`);
          assert.equal(again.outcome, 'EXISTING');
          positions.push(again.position);
        }
        assert.deepEqual([...positions].sort((a, b) => a! - b!), Array.from({ length: 40 }, (_, i) => i + 1));
      } finally {
        other.disconnect();
      }
    }
  });

  it('opens a pre-queue split over the shards in the order of the published draw', async () => {
    const c = await h.openShardedRoom(3, { paused: true });
    const [s, us] = (await h.redis.call('TIME')) as string[];
    const startsAt = Number(s) * 1000 + Math.floor(Number(us) / 1000) + 1500;
    const seed = randomBytes(32).toString('hex');
    await h.redis.hset(queueKeys(c).draw, 'seed', seed, 'commitment', commitmentOf(seed));
    await h.setPolicy(c, { saleStartsAt: startsAt });
    await h.rooms.copyPolicyToShards(c);
    const users = Array.from({ length: 30 }, (_, i) => `pre-${i}`);
    const entries = new Map<string, string>();
    for (const u of users) {
      const e = await h.enterRoom(c, u, String(drawScore(seed, u)));
      assert.deepEqual([e.state, e.position], ['PRE_QUEUE', null]);
      entries.set(u, e.entryId);
    }
    assert.equal((await h.rooms.stats(c)).preQueued, 30);
    await new Promise((r) => setTimeout(r, 1600));
    const drawn = [...users].sort((a, b) => drawHash(seed, a).localeCompare(drawHash(seed, b)));
    const late = await h.enterRoom(c, 'late');
    assert.deepEqual([late.state, late.position], ['WAITING', 31]);
    for (const [i, u] of drawn.entries()) assert.equal((await h.rooms.status(c, entries.get(u)!, u))?.position, i + 1, `${u}'s place in the draw`);
    assert.deepEqual(await roomOrder(c), [...drawn.map((u) => entries.get(u)), late.entryId]);
  });
});
