import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shardedRoomFaults } from '../../environment/faults/sharded-rooms.ts';
import { FaultRefusal } from '../../environment/faults/fault-kind.ts';
import { journalKey, queueKeys, shardKeys } from '../../reference-system/waiting-room/keys.ts';
import { entryShard, shardOf, type ShardedLayout } from '../../reference-system/waiting-room/room-layout.ts';
import { startLuaHarness, stopLuaHarness, type LuaHarness } from '../lua/harness.ts';

/**
 * The faults of a sharded room (environment/faults/sharded-rooms.ts) on a real cluster: each
 * leaves exactly the state it claims, using the system's own scripts.
 */
describe('faults of a waiting room spread over shards', () => {
  let h: LuaHarness;
  let faults: ReturnType<typeof shardedRoomFaults>;
  before(async () => {
    h = await startLuaHarness();
    faults = shardedRoomFaults(h.cluster, () => undefined);
  });
  after(async () => {
    await faults?.restore?.();
    await stopLuaHarness(h);
  });

  it('names a shard whose master holds no other part of the room, and refuses a room of one slot', async () => {
    const c = await h.openShardedRoom(3);
    const { key } = (await faults.handlers.loneShardKey!({ concertId: c }, {})) as { key: string };
    const fans = Array.from({ length: 10 }, (_, i) => `lone-${i}`);
    const chosen = (await faults.handlers.loneShardKey!({ concertId: c }, { userIds: fans })) as { key: string; fans: number };
    assert.ok(chosen.fans > 0, 'the shard chosen holds some of the fans named');
    const layout = (await h.rooms.layout(c)) as ShardedLayout;
    assert.ok(layout.tags.some((tag) => shardKeys(tag).waiting === key));
    const owner = (await h.cluster.ownerOf(key)).nodeId;
    assert.notEqual(owner, (await h.cluster.ownerOf(queueKeys(c).policy)).nodeId);
    const others = layout.tags.filter((tag) => shardKeys(tag).waiting !== key);
    for (const tag of others) assert.notEqual((await h.cluster.ownerOf(shardKeys(tag).waiting)).nodeId, owner);
    const single = await h.openRoom();
    await assert.rejects(faults.handlers.loneShardKey!({ concertId: single }, {}), (e) => e instanceof FaultRefusal && e.status === 409);
  });

  it("moves a fan's shard's stamps ahead: she enters after another fan and is still let in after him", async () => {
    const c = await h.openShardedRoom(3, { paused: true });
    const layout = (await h.rooms.layout(c)) as ShardedLayout;
    const users = Array.from({ length: 30 }, (_, i) => `clock-${i}`);
    const ahead = users[0];
    const behind = users.find((u) => shardOf(u, 3) !== shardOf(ahead, 3))!;
    await faults.handlers.shardClockAhead!({ concertId: c }, { userId: ahead, seconds: 10 });
    const first = await h.enterRoom(c, ahead);
    const second = await h.enterRoom(c, behind);
    const [s] = (await h.redis.call('TIME')) as string[];
    assert.ok(Number((await h.redis.zscore(shardKeys(layout.tags[shardOf(ahead, 3)]).waiting, first.entryId))!) > (Number(s) + 9) * 1e6, 'stamped ten seconds ahead');
    assert.deepEqual([first.position, second.position], [1, 2]);
  });

  it('leaves an admission batch as a promoter that died between shards would: journaled, planned, its fans taken off one shard only', async () => {
    const c = await h.openShardedRoom(3, { paused: true, activeLimit: 6 });
    const fans = [];
    for (let i = 0; i < 20; i++) fans.push(await h.enterRoom(c, `stall-${i}`));
    const stalled = (await faults.handlers.stallAdmission!({ concertId: c }, { leaseMs: 5000 })) as { planned: number; takenOffOneShard: string[] };
    assert.equal(stalled.planned, 6);
    assert.equal(await h.redis.hget(queueKeys(c).policy, 'paused'), '0', 'admission resumed');
    const journal = await h.redis.hgetall(journalKey(c));
    const plan = journal.plan.split(' ');
    assert.deepEqual(plan, fans.slice(0, 6).map((f) => f.entryId));
    const layout = (await h.rooms.layout(c)) as ShardedLayout;
    const takenShards = new Set<number>();
    for (const [k, tag] of layout.tags.entries()) if ((await h.redis.zcard(shardKeys(tag).taken)) > 0) takenShards.add(k);
    assert.equal(takenShards.size, 1, 'fans taken off one shard only');
    assert.equal(stalled.takenOffOneShard.length, plan.filter((id) => entryShard(id)!.shard === [...takenShards][0]).length);
    assert.equal((await h.rooms.stats(c)).ready, 0, 'nobody READY yet');
    await assert.rejects(faults.handlers.stallAdmission!({ concertId: c }, { leaseMs: 5 }), (e) => e instanceof FaultRefusal && e.status === 400);
  });
});
