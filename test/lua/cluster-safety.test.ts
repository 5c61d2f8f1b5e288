import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { readdirSync } from 'node:fs';
import { admissionKeys, SCRIPT_NAMES, scriptKeys, scriptSource, shardScriptKeys } from '../../reference-system/waiting-room/lua-scripts.ts';
import { createRoomStore } from '../../reference-system/waiting-room/room-store.ts';
import { openWaitingRoom } from '../../reference-system/waiting-room/open-room.ts';
import { createRooms } from '../../reference-system/waiting-room/rooms.ts';
import { placeShards } from '../../reference-system/waiting-room/shard-placement.ts';
import { startLuaHarness, TEST_POLICY, type LuaHarness, stopLuaHarness } from './harness.ts';

/**
 * On Redis Cluster a script may only touch keys of the slot its declared keys hash to. These
 * tests put concerts on every master and let Redis itself (ACLs, `#!lua`) refuse any key a
 * script did not declare.
 */
const STATS_BODY = readFileSync(new URL('../../lua/stats.lua', import.meta.url), 'utf8');

describe('cluster safety of the queue scripts', () => {
  let h: LuaHarness;
  let concertsByMaster: Map<string, string[]>;
  before(async () => {
    h = await startLuaHarness();
    concertsByMaster = await concertsOnEveryMaster(h, 2);
  });
  after(async () => {
    await stopLuaHarness(h);
  });

  it('finds concerts on all three masters', () => {
    assert.equal(concertsByMaster.size, 3);
  });

  it('runs every operation on every master touching only the declared keys', async () => {
    const concerts = [...concertsByMaster.values()].flat();
    for (const c of concerts) await openWaitingRoom(h.redis, c, { ...TEST_POLICY, activeLimit: 2 });
    // A user that may touch exactly the declared keys of these concerts and nothing else,
    // on every master (ACLs are per node): any other key a script reaches fails with NOPERM.
    const password = randomBytes(16).toString('hex');
    const allowed = concerts.flatMap((c) => scriptKeys(c)).map((k) => `~${k}`);
    for (const node of h.cluster.nodes) {
      const client = h.cluster.connectNode(node);
      await client.connect();
      await client.call('ACL', 'SETUSER', 'scripts-only', 'on', `>${password}`, 'resetkeys', ...allowed, '+@all');
      client.disconnect();
    }
    const restricted = new Cluster(h.cluster.getSeedNodes(), {
      natMap: h.cluster.getNatMap(),
      redisOptions: { username: 'scripts-only', password },
    });
    try {
      const store = createRoomStore(restricted);
      for (const c of concerts) {
        const entries = [];
        for (const user of ['ann', 'ben', 'cat']) {
          const result = await store.enter(c, user, randomBytes(16).toString('base64url'), '');
          assert.equal(result.outcome, 'NEW');
          if (result.outcome === 'NEW') entries.push(result.entryId);
        }
        assert.equal((await store.enter(c, 'ann', 'unused', '')).outcome, 'EXISTING');
        assert.equal((await store.promote(c, 500, 1, 100)).admitted, 2);
        assert.equal((await store.activate(c, entries[0], 'ann')).outcome, 'ACTIVE');
        assert.equal((await store.touch(c, entries[0], 'ann')).state, 'ACTIVE');
        assert.equal((await store.extend(c, entries[0], 'ann')).outcome, 'ACTIVE');
        const cat = await store.status(c, entries[2], 'cat');
        assert.deepEqual([cat?.state, cat?.position], ['WAITING', 1]);
        assert.equal(await store.finish(c, entries[1], 'ben', 'exited'), true);
        assert.equal(await store.finish(c, entries[0], 'ann', 'completed'), true);
        const { waiting, ready, active } = await store.stats(c);
        assert.deepEqual([waiting, ready, active], [1, 0, 0]);
        // Entries, exits and expiry on read through the batch paths too.
        await store.promote(c, 500, 1, 100);
        assert.equal((await store.status(c, entries[2], 'cat'))?.state, 'READY');
      }
      // Every operation in lua/ (and its shard/ and admission/ folders) is one the store knows, and the other way round.
      const files = readdirSync(new URL('../../lua/', import.meta.url), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.lua') && !f.startsWith('lib/'))
        .map((f) => f.slice(0, -4));
      assert.deepEqual([...SCRIPT_NAMES].sort(), files.sort());
    } finally {
      restricted.disconnect();
    }
  });

  it('runs every operation of a room spread over shards touching only the declared keys of its slots', async () => {
    // Sharded rooms whose home slots lie on every master; their shards on the other masters.
    const concerts = [...concertsByMaster.values()].map((ids) => `${ids[0]}-sharded`);
    const placed = new Map(concerts.map((c) => [c, placeShards(h.redis, c, 3, 1)]));
    const password = randomBytes(16).toString('hex');
    const allowed = concerts
      .flatMap((c) => [...admissionKeys(c), ...placed.get(c)!.flatMap((tag) => shardScriptKeys(tag))])
      .map((k) => `~${k}`);
    for (const node of h.cluster.nodes) {
      const client = h.cluster.connectNode(node);
      await client.connect();
      await client.call('ACL', 'SETUSER', 'shards-only', 'on', `>${password}`, 'resetkeys', ...allowed, '+@all');
      client.disconnect();
    }
    const restricted = new Cluster(h.cluster.getSeedNodes(), { natMap: h.cluster.getNatMap(), redisOptions: { username: 'shards-only', password } });
    try {
      const store = createRoomStore(restricted);
      const rooms = createRooms({ redis: restricted, store });
      for (const c of concerts) {
        await openWaitingRoom(h.redis, c, { ...TEST_POLICY, activeLimit: 2 });
        assert.equal(await rooms.setShards(c, 3), 'OK');
        assert.deepEqual((await rooms.layout(c)).sharded && (await rooms.layout(c) as { tags: string[] }).tags, placed.get(c), 'placed where the test allowed');
        const entries = [];
        for (const user of ['ann', 'ben', 'cat']) {
          const result = await rooms.enter(c, user, randomBytes(16).toString('base64url'), '');
          assert.equal(result.outcome, 'NEW');
          if (result.outcome === 'NEW') entries.push(result.entryId);
        }
        assert.equal((await rooms.enter(c, 'ann', 'unused', '')).outcome, 'EXISTING');
        assert.equal((await rooms.promote(c, { budget: 500, burstSeconds: 1, rateWindowMs: 100, leaseMs: 1000 })).admitted, 2);
        assert.equal((await rooms.activate(c, entries[0], 'ann')).outcome, 'ACTIVE');
        assert.equal((await rooms.touch(c, entries[0], 'ann')).state, 'ACTIVE');
        assert.equal((await rooms.extend(c, entries[0], 'ann')).outcome, 'ACTIVE');
        const cat = await rooms.status(c, entries[2], 'cat');
        assert.deepEqual([cat?.state, cat?.position], ['WAITING', 1]);
        assert.equal(await rooms.finish(c, entries[1], 'ben', 'exited'), true);
        assert.equal(await rooms.finish(c, entries[0], 'ann', 'completed'), true);
        const { waiting, ready, active, shardWaiting } = await rooms.stats(c);
        assert.deepEqual([waiting, ready, active, shardWaiting.reduce((a, b) => a + b, 0)], [1, 0, 0, 1]);
        await rooms.promote(c, { budget: 500, burstSeconds: 1, rateWindowMs: 100, leaseMs: 1000 });
        assert.equal((await rooms.status(c, entries[2], 'cat'))?.state, 'READY');
        await rooms.copyPolicyToShards(c);
        assert.equal(await rooms.setShards(c, 2), 'SHARDS_LOCKED');
      }
    } finally {
      restricted.disconnect();
    }
  });

  it('leaves no key behind but the declared ones of each concert', async () => {
    const sharded = [...concertsByMaster.values()].map((ids) => `${ids[0]}-sharded`);
    const declared = new Set([
      ...[...concertsByMaster.values()].flat().flatMap((c) => scriptKeys(c)),
      ...sharded.flatMap((c) => [...admissionKeys(c), ...placeShards(h.redis, c, 3, 1).flatMap((tag) => shardScriptKeys(tag))]),
    ]);
    declared.add('queue:rooms');
    const found: string[] = [];
    for (const node of h.cluster.nodes) {
      const client = h.cluster.connectNode(node);
      await client.connect();
      const role = String(await client.call('ROLE'));
      if (role.startsWith('master')) found.push(...(await client.keys('*')));
      client.disconnect();
    }
    const stray = found.filter((k) => !declared.has(k));
    assert.deepEqual(stray, []);
  });

  it('is refused by Redis if a script reaches a key outside its concert slot (the #!lua line)', async () => {
    const [a, b] = [...concertsByMaster.values()].map((ids) => ids[0]);
    for (const name of SCRIPT_NAMES) assert.ok(scriptSource(name).startsWith('#!lua\n'), `${name} lacks #!lua`);
    // The stats script as the loader builds it, with its body swapped for one that strays.
    const straying = (key: string) => scriptSource('stats').replace(STATS_BODY, `return redis.call('EXISTS', '${key}')`);
    const sneaky = straying(`queue:{${b}}:policy`);
    await assert.rejects(
      h.redis.eval(sneaky, scriptKeys(a).length, ...scriptKeys(a)),
      /non local key|do not hash to the same slot/,
    );
    // A key of another slot that happens to live on the same master is refused as well.
    const sameMaster = concertsByMaster.get([...concertsByMaster.keys()][0])!;
    const c0 = sameMaster[0];
    const sneakyLocal = straying(`queue:{${sameMaster[1]}}:policy`);
    await assert.rejects(h.redis.eval(sneakyLocal, scriptKeys(c0).length, ...scriptKeys(c0)), /do not hash to the same slot/);
  });
});

/** `perMaster` concert ids whose keys live on each master, found with CLUSTER KEYSLOT/SLOTS. */
async function concertsOnEveryMaster(h: LuaHarness, perMaster: number): Promise<Map<string, string[]>> {
  const slots = (await h.redis.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
  const masterOf = (slot: number) => {
    const range = slots.find(([from, to]) => slot >= from && slot <= to)!;
    return `${range[2][0]}:${range[2][1]}`;
  };
  const byMaster = new Map<string, string[]>();
  for (let i = 0; [...byMaster.values()].filter((ids) => ids.length >= perMaster).length < 3; i++) {
    const id = `slot-test-${i}`;
    const slot = Number(await h.redis.call('CLUSTER', 'KEYSLOT', scriptKeys(id)[0]));
    const master = masterOf(slot);
    const ids = byMaster.get(master) ?? [];
    if (ids.length < perMaster) ids.push(id);
    byMaster.set(master, ids);
  }
  return byMaster;
}
