import type { Cluster } from 'ioredis';
import { unavailable } from '../shared/errors.ts';
import type { RoomStore } from './room-store.ts';
import { readShardCopy, type Layouts, type RoomLayout } from './room-layout.ts';
import { placeShards } from './shard-placement.ts';

/**
 * An operator sets how many shards a room has (the policy's `shards`). Allowed only while nobody
 * ever entered it, and race-free against a first enter arriving meanwhile:
 * - a room of one slot changes in one atomic script (lua/layout.lua), which refuses once anyone
 *   entered; enter.lua reads the layout in its own atomic step, so an enter is either counted
 *   before the change (refused) or sent to the new shards after it;
 * - a sharded room's shards are first locked, each refusing if anyone entered it (an enter meeting
 *   a lock answers 503 with Retry-After, retried by the client), then the home slot changes, then
 *   the old shards are deleted (a late call there is told to read the layout again).
 * The new shards are made (with their copy of the policy) before the home slot names them, so no
 * instance can find a shard not set up yet.
 */
export async function changeShards(deps: { redis: Cluster; store: RoomStore; layouts: Layouts }, concertId: string, wanted: number): Promise<'OK' | 'SHARDS_LOCKED' | 'NO_CONCERT'> {
  const { redis, store, layouts } = deps;
  const shard = store.shard;
  const lockAll = (layout: RoomLayout, action: 'lock' | 'unlock' | 'retire') =>
    layout.sharded ? Promise.all(layout.tags.map((tag) => shard.lock(tag, layout.version, action))) : Promise.resolve([]);

  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await layouts.read(concertId);
    if (current.shards === wanted) {
      // A change that died after locking (its instance crashed) must not keep the room shut.
      await lockAll(current, 'unlock');
      return 'OK';
    }
    const locks = await lockAll(current, 'lock');
    if (locks.some((r) => r.outcome !== 'OK')) {
      await lockAll(current, 'unlock');
      if (locks.some((r) => r.outcome === 'ENTERED')) return 'SHARDS_LOCKED';
      continue; // changed meanwhile: look again
    }
    const version = current.version + 1;
    const tags = wanted > 1 ? placeShards(redis, concertId, wanted, version) : [];
    const copy = await readShardCopy(redis, concertId);
    await Promise.all(tags.map((tag) => shard.policy(tag, version, 'create', copy)));
    const outcome = await store.setLayout(concertId, current.version === 0 ? '' : String(current.version), wanted, version, tags);
    if (outcome === 'OK') {
      await lockAll(current, 'retire');
      layouts.remember(concertId, wanted > 1 ? { sharded: true, shards: wanted, version, tags } : { sharded: false, shards: 1, version });
      return 'OK';
    }
    // Undone: the new shards go, the old ones open again.
    await Promise.all(tags.map((tag) => shard.lock(tag, version, 'retire')));
    await lockAll(current, 'unlock');
    if (outcome === 'ENTERED') return 'SHARDS_LOCKED';
    if (outcome === 'NO_CONCERT') return 'NO_CONCERT';
  }
  throw unavailable('the waiting room\'s layout kept changing, retry shortly');
}
