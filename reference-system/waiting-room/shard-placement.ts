import type { Cluster } from 'ioredis';
import calculateSlot from 'cluster-key-slot';
import { queueKeys } from './keys.ts';

/**
 * Hash tags for the shards of a room, placed on as many distinct masters as the cluster has: the
 * shards go to the masters after the one holding the room's home slot (which keeps admitted fans
 * and admission), in the order of the slots they serve, round the cluster again when there are
 * more shards than masters. Shard k's tag is `<concertId>~<version>~<k>~<x>` with the smallest x
 * whose slot its master serves (a concert id has no `~`, so no tag is another concert's).
 */
export function placeShards(redis: Cluster, concertId: string, shards: number, version: number): string[] {
  const ownerOf = (slot: number): string | undefined => redis.slots[slot]?.[0];
  const masters: string[] = [];
  for (let slot = 0; slot < 16384; slot++) {
    const owner = ownerOf(slot);
    if (owner && !masters.includes(owner)) masters.push(owner);
  }
  if (masters.length === 0) throw new Error('the cluster client knows no master yet');
  const home = masters.indexOf(ownerOf(calculateSlot(queueKeys(concertId).policy)) ?? '');
  const tags: string[] = [];
  for (let k = 0; k < shards; k++) {
    const master = masters[(home + 1 + k) % masters.length];
    for (let x = 0; ; x++) {
      const tag = `${concertId}~${version}~${k}~${x}`;
      if (ownerOf(calculateSlot(tag)) === master) {
        tags.push(tag);
        break;
      }
      if (x > 100_000) throw new Error(`no slot of master ${master} found for shard ${k}`);
    }
  }
  return tags;
}
