import type { Cluster } from 'ioredis';
import { unavailable } from '../shared/errors.ts';
import { queueKeys, shardKeys } from './keys.ts';
import type { EnterResult, EntrySnapshot, FinishReason, PromoteResult, RoomSnapshot, RoomStore } from './room-store.ts';
import { createLayouts, entryShard, layoutOf, readShardCopy, type RoomLayout, type ShardedLayout } from './room-layout.ts';
import { createShardedAdmission, StaleLayoutError, type AdmissionOptions } from './sharded-admission.ts';
import { createShardedRoom } from './sharded-room.ts';
import { changeShards } from './shards-change.ts';

export type RoomOverview = RoomSnapshot & { shards: number; shardWaiting: number[] };

/**
 * Every concert's waiting room, whatever its layout: what the queue and core services call. A
 * room on one slot (`shards` 1, the default) runs today's scripts (room-store.ts), with nothing
 * in between but a look at the entry id; a room spread over shards goes through
 * sharded-room.ts and sharded-admission.ts. An instance keeps each room's layout once read and
 * reads it again when a script says it changed.
 */
export function createRooms(deps: {
  redis: Cluster;
  store: RoomStore;
  /** Fans a request let in by finishing an admission batch a promoter left (the promoter reports its own). */
  onAdmitted?: (concertId: string, latenciesMs: number[]) => void;
}) {
  const { redis, store } = deps;
  const layouts = createLayouts(redis);
  const admission = createShardedAdmission(redis, store, deps.onAdmitted);
  const sharded = createShardedRoom({ store, admission });

  /**
   * The layout a sharded entry belongs to (its version, read again when this instance holds
   * another), or null when no layout of the room has that shard: the entry cannot exist.
   */
  const layoutOfEntry = async (concertId: string, entryId: string, fresh = false): Promise<ShardedLayout | null> => {
    const at = entryShard(entryId)!;
    let layout = fresh ? undefined : layouts.known(concertId);
    if (!layout || layout.version !== at.version) layout = await layouts.read(concertId);
    return layout.sharded && layout.version === at.version && at.shard < layout.shards ? layout : null;
  };

  /** Runs `work` on a sharded entry's layout; once more on a layout read afresh if a shard said it changed. */
  const onEntry = async <T>(concertId: string, entryId: string, gone: T, work: (layout: ShardedLayout) => Promise<T>): Promise<T> => {
    for (const fresh of [false, true]) {
      const layout = await layoutOfEntry(concertId, entryId, fresh);
      if (!layout) return gone;
      try {
        return await work(layout);
      } catch (error) {
        if (!(error instanceof StaleLayoutError) || fresh) throw error;
      }
    }
    return gone;
  };

  const isSharded = (entryId: string) => entryShard(entryId) !== undefined;

  return {
    layouts,

    async enter(concertId: string, userId: string, entryBits: string, drawScore: string): Promise<Exclude<EnterResult, { outcome: 'LAYOUT' }>> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const layout = layouts.known(concertId);
        const result = layout?.sharded ? await sharded.enter(concertId, layout, userId, entryBits, drawScore) : await store.enter(concertId, userId, entryBits, drawScore);
        if (result.outcome !== 'LAYOUT') return result;
        await layouts.read(concertId);
      }
      throw unavailable('the waiting room\'s layout kept changing, retry shortly');
    },

    status(concertId: string, entryId: string, userId: string): Promise<EntrySnapshot | undefined> {
      if (!isSharded(entryId)) return store.status(concertId, entryId, userId);
      return onEntry(concertId, entryId, undefined, (layout) => sharded.status(concertId, layout, entryId, userId));
    },

    activate(concertId: string, entryId: string, userId: string): ReturnType<RoomStore['activate']> {
      if (!isSharded(entryId)) return store.activate(concertId, entryId, userId);
      return onEntry(concertId, entryId, { outcome: 'GONE' as const }, (layout) => sharded.activate(concertId, layout, entryId, userId));
    },

    touch(concertId: string, entryId: string, userId: string): ReturnType<RoomStore['touch']> {
      if (!isSharded(entryId)) return store.touch(concertId, entryId, userId);
      return onEntry(concertId, entryId, { state: 'GONE' as const }, (layout) => sharded.touch(concertId, layout, entryId, userId));
    },

    extend(concertId: string, entryId: string, userId: string): ReturnType<RoomStore['extend']> {
      if (!isSharded(entryId)) return store.extend(concertId, entryId, userId);
      return onEntry(concertId, entryId, { outcome: 'GONE' as const }, (layout) => sharded.extend(concertId, layout, entryId, userId));
    },

    finish(concertId: string, entryId: string, userId: string, reason: FinishReason): Promise<boolean> {
      if (!isSharded(entryId)) return store.finish(concertId, entryId, userId, reason);
      return onEntry(concertId, entryId, false, (layout) => sharded.finish(concertId, layout, entryId, userId, reason));
    },

    /** One promoter run on a room (promote.lua, or a batch of lua/admission/ on a sharded one). */
    async promote(concertId: string, options: AdmissionOptions): Promise<PromoteResult> {
      const layout = layouts.known(concertId);
      if (!layout?.sharded) {
        const result = await store.promote(concertId, options.budget, options.burstSeconds, options.rateWindowMs);
        if (result.sharded) await layouts.read(concertId);
        return result;
      }
      try {
        return await admission.run(concertId, layout, options);
      } catch (error) {
        if (!(error instanceof StaleLayoutError)) throw error;
        await layouts.read(concertId);
        return { admitted: 0, expired: 0, more: true, latenciesMs: [], sharded: true };
      }
    },

    /** A snapshot of the room; for a sharded one, the home slot's with every shard's added in. */
    async stats(concertId: string): Promise<RoomOverview> {
      for (let attempt = 0; ; attempt++) {
        const home = await store.stats(concertId);
        const layout = layoutOf(home.policy);
        if (home.policy.activeLimit !== undefined) layouts.remember(concertId, layout);
        if (!layout.sharded) return { ...home, shards: 1, shardWaiting: [home.waiting] };
        try {
          return { ...(await sharded.stats(concertId, layout, home)), shards: layout.shards };
        } catch (error) {
          if (!(error instanceof StaleLayoutError) || attempt > 0) throw error;
        }
      }
    },

    /** The waiting set an entry waits in (the stream loop reads its head), or undefined when it cannot be waiting. */
    async waitingKeyOf(concertId: string, entryId: string): Promise<string | undefined> {
      if (!isSharded(entryId)) return queueKeys(concertId).waiting;
      const layout = await layoutOfEntry(concertId, entryId);
      return layout ? shardKeys(layout.tags[entryShard(entryId)!.shard]).waiting : undefined;
    },

    /** The room's layout as its policy says now. */
    layout(concertId: string): Promise<RoomLayout> {
      return layouts.read(concertId);
    },

    /** Sets the number of shards (shards-change.ts): 'SHARDS_LOCKED' once anyone entered. */
    setShards(concertId: string, shards: number) {
      return changeShards({ redis, store, layouts }, concertId, shards);
    },

    /** After an operator's change of the policy: each shard's copy of it, now (the promoter would, later). */
    async copyPolicyToShards(concertId: string): Promise<void> {
      const layout = await layouts.read(concertId);
      if (!layout.sharded) return;
      const copy = await readShardCopy(redis, concertId);
      await Promise.all(layout.tags.map((tag) => store.shard.policy(tag, layout.version, 'refresh', copy)));
    },
  };
}

export type Rooms = ReturnType<typeof createRooms>;
