import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryShard, layoutOf, shardedEntryBits, shardOf } from '../../reference-system/waiting-room/room-layout.ts';
import { firstEligible } from '../../reference-system/waiting-room/sharded-admission.ts';

test('a sharded entry names its layout and shard after its random part; an entry of one slot names none', () => {
  const id = `1765000000000-${shardedEntryBits('Ab_-9xYz', 4, 2)}~1765000000000123`;
  assert.deepEqual(entryShard(id), { version: 4, shard: 2, score: '1765000000000123' });
  assert.deepEqual(entryShard(`1765000000000-${shardedEntryBits('Ab_', 1, 0)}~-8123456789012345`), { version: 1, shard: 0, score: '-8123456789012345' });
  assert.equal(entryShard('1765000000000-Ab_-9xYzAb_-9xYzAb_-9x'), undefined);
});

test("a fan's shard is the same on every call and spreads fans over every shard", () => {
  assert.equal(shardOf('ann-1234', 3), shardOf('ann-1234', 3));
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[shardOf(`fan-${i}-abcd`, 3)]++;
  for (const n of counts) assert.ok(n > 850 && n < 1150, `a shard got ${n} of 3,000 fans`);
});

test('a policy without shards is a room of one slot; with them, its tags in order', () => {
  assert.deepEqual(layoutOf({}), { sharded: false, shards: 1, version: 0 });
  assert.deepEqual(layoutOf({ shards: '1', layout: '3', shardTags: '' }), { sharded: false, shards: 1, version: 3 });
  assert.deepEqual(layoutOf({ shards: '2', layout: '2', shardTags: 'c~2~0~5,c~2~1~0' }), { sharded: true, shards: 2, version: 2, tags: ['c~2~0~5', 'c~2~1~0'] });
});

test('the promoter takes fans in (score, shard) order, only up to the lowest cut', () => {
  const cuts = [
    { cut: 100, heads: [{ entryId: 'a1', score: 10 }, { entryId: 'a2', score: 50 }, { entryId: 'a3', score: 99 }] },
    { cut: 60, heads: [{ entryId: 'b1', score: 10 }, { entryId: 'b2', score: 20 }, { entryId: 'b3', score: 60 }] },
    { cut: 80, heads: [{ entryId: 'c1', score: -5 }, { entryId: 'c2', score: 61 }] },
  ];
  // 99 and 61 lie above the lowest cut (60): another shard may still get a fan below them.
  assert.deepEqual(firstEligible(cuts, 10), ['c1', 'a1', 'b1', 'b2', 'a2', 'b3']);
  assert.deepEqual(firstEligible(cuts, 3), ['c1', 'a1', 'b1']);
  assert.deepEqual(firstEligible([{ cut: 5, heads: [] }, { cut: 9, heads: [{ entryId: 'x', score: 7 }] }], 5), []);
});
