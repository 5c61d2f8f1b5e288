import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRoomStore, type RoomStore } from '../../reference-system/waiting-room/room-store.ts';
import { startLuaHarness, type LuaHarness, stopLuaHarness } from './harness.ts';

/**
 * Ten promoters on ten connections race each other while thousands enter and admitted users
 * finish: the script's atomicity is all that keeps admission correct, as it is in production
 * with several queue instances.
 */
describe('promote.lua with concurrent promoters', () => {
  let h: LuaHarness;
  before(async () => {
    h = await startLuaHarness();
  });
  after(async () => {
    await stopLuaHarness(h);
  });

  it('never over-admits, never admits anyone twice, and keeps arrival order', async () => {
    const limit = 20;
    const users = Array.from({ length: 3000 }, (_, i) => `racer-${i}`);
    const c = await h.openRoom({ activeLimit: limit, admitPerSecond: 100_000 });
    const promoters: { store: RoomStore; close: () => void }[] = Array.from({ length: 10 }, () => {
      const client = h.cluster.createClient();
      return { store: createRoomStore(client), close: () => client.disconnect() };
    });

    let entering = true;
    let promoterAdmitted = 0;
    let maxInUse = 0;
    const finished = new Set<string>();
    const admittedTwice: string[] = [];

    // Arrival order is the order of `users`: chunks one after another, each pipelined on one
    // connection, so Redis runs the enters in exactly this order while promoters interleave.
    const entered = (async () => {
      const all = [];
      for (let i = 0; i < users.length; i += 100) all.push(...(await Promise.all(users.slice(i, i + 100).map((u) => h.enter(c, u)))));
      return all;
    })().finally(() => (entering = false));
    const firstSeenInRound = new Map<string, number>();
    let round = 0;

    const runPromoter = async (store: RoomStore) => {
      for (;;) {
        const { admitted } = await store.promote(c, 7, 1, 5000);
        promoterAdmitted += admitted;
        if (!entering && (await h.redis.zcard(`queue:{${c}}:waiting`)) === 0) return;
      }
    };
    // Frees slots so admission keeps going: activates some READY users, completes others.
    const consume = async () => {
      while (entering || (await h.redis.zcard(`queue:{${c}}:waiting`)) > 0 || (await h.redis.zcard(`queue:{${c}}:ready`)) > 0) {
        // stats.lua reads both sets atomically: a true snapshot of the slots in use.
        const { ready, active } = await h.store.stats(c);
        maxInUse = Math.max(maxInUse, Number(ready) + Number(active));
        const readyIds = await h.members(c, 'ready');
        round++;
        for (const id of readyIds) {
          if (!firstSeenInRound.has(id)) firstSeenInRound.set(id, round);
          if (finished.has(id)) admittedTwice.push(id);
          const user = await h.redis.hget(`queue:{${c}}:entries`, id);
          if (!user) continue;
          if (id.charCodeAt(0) % 2 === 0) await h.store.activate(c, id, user);
          await h.store.finish(c, id, user, 'completed');
          finished.add(id);
        }
      }
    };

    const [entries] = await Promise.all([entered, consume(), ...promoters.map((p) => runPromoter(p.store))]);
    promoters.forEach((p) => p.close());

    const stats = await h.stats(c);
    assert.ok(maxInUse <= limit, `READY + ACTIVE reached ${maxInUse}, limit ${limit}`);
    assert.deepEqual(admittedTwice, [], 'an entry was admitted again after it finished');
    assert.equal(Number(stats.admitted), users.length, 'everyone was admitted exactly once');
    assert.equal(promoterAdmitted, users.length, 'the promoters together admitted each user once');
    assert.equal(Number(stats.completed), users.length);
    assert.equal(finished.size, users.length);
    // FIFO: a user who arrived later was never admitted in an earlier round than one before.
    const rounds = entries.map((e) => firstSeenInRound.get(e.entryId) ?? -1);
    assert.ok(!rounds.includes(-1), 'every admitted user was seen READY');
    const outOfOrder = rounds.findIndex((r, i) => i > 0 && r < rounds[i - 1]);
    assert.equal(outOfOrder, -1, `user ${outOfOrder} was admitted before user ${outOfOrder - 1}`);
    assert.ok(new Set(rounds).size > 50, 'admission was spread over many rounds');
  });
});
