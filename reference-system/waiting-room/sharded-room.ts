import { unavailable } from '../shared/errors.ts';
import type { EnterResult, EntrySnapshot, FinishReason, RoomSnapshot, RoomStore } from './room-store.ts';
import { entryShard, shardedEntryBits, shardOf, type ShardedLayout } from './room-layout.ts';
import { StaleLayoutError, type ShardedAdmission } from './sharded-admission.ts';
import { createShardCounts } from './shard-counts.ts';
import type { LayoutRefusal, ShardEntry } from './shard-store.ts';

/**
 * A fan's operations on a sharded room. Her waiting place is on her shard (shardOf her userId);
 * once let in, her entry is READY/ACTIVE in the home slot, where activate, touch, extend and
 * finish run today's scripts.
 *
 * Order: a new entry is stamped above its shard's floor (lua/lib/shard.lua); before her enter is
 * answered every other shard's floor is raised to her stamp (mark.lua), so whoever enters after
 * her answer, through any instance, is stamped above her. Her position is her rank on her shard
 * plus, on every other shard, those stamped below her (ties: the lower shard first): it counts
 * exactly the fans the promoter will let in before her, and can only fall, since nobody can land
 * below her any more.
 *
 * A fan taken off her shard by an admission batch that has not committed yet (sharded-admission.ts)
 * is neither waiting nor READY: a request that meets her finishes the batch first, so nobody is
 * ever told anything in between.
 */
export function createShardedRoom(deps: { store: RoomStore; admission: ShardedAdmission }) {
  const { store, admission } = deps;
  const shard = store.shard;
  const counts = createShardCounts(shard);

  const staleOrLocked = (concertId: string, refusal: LayoutRefusal): Error =>
    refusal.outcome === 'LOCKED' ? unavailable('the waiting room is being set up, retry shortly') : new StaleLayoutError(concertId);

  /**
   * Over every shard but `own`: fans ahead of `score` and fans waiting. `raise`: her enter marks
   * them (floors up to her score, a durable write); a status only counts.
   */
  const aroundHer = async (concertId: string, layout: ShardedLayout, own: number, score: string | null, raise: boolean) => {
    const answers = await Promise.all(
      layout.tags.map((tag, k) => (k === own ? undefined : raise && score !== null ? counts.mark(tag, layout.version, score, k < own) : counts.count(tag, layout.version, score, k < own))),
    );
    let ahead = 0;
    let waiting = 0;
    for (const answer of answers) {
      if (!answer) continue;
      if (answer.outcome !== 'COUNTED') throw staleOrLocked(concertId, answer);
      ahead += answer.ahead;
      waiting += answer.waitingHere;
    }
    return { ahead, waiting };
  };

  /** Fans waiting on every shard. */
  const waitingEverywhere = async (concertId: string, layout: ShardedLayout) => (await aroundHer(concertId, layout, -1, null, false)).waiting;

  /** Her snapshot from her shard's view and the counts of the others (aroundHer). */
  const snapshotOf = (entry: ShardEntry, others: { ahead: number; waiting: number }): EntrySnapshot =>
    entry.state === 'PRE_QUEUE'
      ? { state: 'PRE_QUEUE', position: null, totalWaiting: entry.waitingHere + others.waiting, deadline: null, basis: entry.basis, saleStartsAt: entry.saleStartsAt }
      : { state: 'WAITING', position: entry.rank! + others.ahead + 1, totalWaiting: entry.waitingHere + others.waiting, deadline: null, basis: entry.basis, saleStartsAt: null };

  /**
   * Her entry at home, after it left her shard with `batch`: READY or ACTIVE, or undefined once
   * it ended there. A batch still in progress is finished first. `waiting`: fans waiting over
   * every shard, when the caller counted them already.
   */
  const letIn = async (concertId: string, layout: ShardedLayout, entryId: string, userId: string, batch: string, waiting?: number): Promise<EntrySnapshot | undefined> => {
    let home = await store.status(concertId, entryId, userId);
    if (!home) {
      await admission.complete(concertId, layout, batch);
      home = await store.status(concertId, entryId, userId);
    }
    if (!home) return undefined;
    return { ...home, position: null, totalWaiting: waiting ?? (await waitingEverywhere(concertId, layout)) };
  };

  /** Finishes the batch that took her off her shard, if it is still in progress. */
  const settle = async (concertId: string, layout: ShardedLayout, entryId: string, userId: string) => {
    const own = entryShard(entryId)!.shard;
    const found = await shard.status(layout.tags[own], layout.version, entryId, userId);
    if (found.outcome === 'TAKEN') await admission.complete(concertId, layout, found.batch);
    return found;
  };

  return {
    /**
     * A new entry on her shard, or her live entry (on her shard, or at home once let in). Answers
     * LAYOUT when a shard is of another layout than `layout`: read it again and call again.
     */
    async enter(concertId: string, layout: ShardedLayout, userId: string, entryBits: string, drawScore: string): Promise<EnterResult> {
      const own = shardOf(userId, layout.shards);
      const tag = layout.tags[own];
      let replace = '';
      for (let attempt = 0; attempt < 3; attempt++) {
        const r = await shard.enter(tag, layout.version, userId, shardedEntryBits(entryBits, layout.version, own), drawScore, replace);
        switch (r.outcome) {
          case 'LAYOUT':
          case 'NO_LAYOUT':
            return { outcome: 'LAYOUT' };
          case 'LOCKED':
            throw staleOrLocked(concertId, r);
          case 'NOT_OPEN':
          case 'NEED_DRAW':
            return r;
          case 'TAKEN': {
            const home = await letIn(concertId, layout, r.entryId, userId, r.batch);
            if (home) return { outcome: 'EXISTING', entryId: r.entryId, entry: home };
            // Her entry was let in and has ended since: she starts afresh at the back.
            replace = r.entryId;
            continue;
          }
          default:
            try {
              // Her place counts the others only once they cannot take anyone below her: marked.
              const others = await aroundHer(concertId, layout, own, r.entry.state === 'WAITING' ? r.entry.score : null, true);
              return { outcome: r.outcome, entryId: r.entryId, entry: snapshotOf(r.entry, others) };
            } catch (error) {
              if (error instanceof StaleLayoutError) return { outcome: 'LAYOUT' };
              throw error;
            }
        }
      }
      throw new Error(`entering concert ${concertId} found a let-in entry of ${userId} three times`);
    },

    /** Her shard and the others' counts at once: her score is in her entry id. */
    async status(concertId: string, layout: ShardedLayout, entryId: string, userId: string): Promise<EntrySnapshot | undefined> {
      const { shard: own, score } = entryShard(entryId)!;
      const [r, others] = await Promise.all([shard.status(layout.tags[own], layout.version, entryId, userId), aroundHer(concertId, layout, own, score, false)]);
      if (r.outcome === 'HERE') return snapshotOf(r.entry, others);
      if (r.outcome === 'TAKEN') return letIn(concertId, layout, entryId, userId, r.batch, r.waitingHere + others.waiting);
      // GONE, or a shard of another layout: no entry of this version exists there.
      return undefined;
    },

    async activate(concertId: string, layout: ShardedLayout, entryId: string, userId: string) {
      const first = await store.activate(concertId, entryId, userId);
      if (first.outcome !== 'GONE') return first;
      const found = await settle(concertId, layout, entryId, userId);
      if (found.outcome === 'HERE') return { outcome: 'NOT_READY' as const };
      return found.outcome === 'TAKEN' ? store.activate(concertId, entryId, userId) : first;
    },

    async touch(concertId: string, layout: ShardedLayout, entryId: string, userId: string) {
      const first = await store.touch(concertId, entryId, userId);
      if (first.state !== 'GONE') return first;
      const found = await settle(concertId, layout, entryId, userId);
      if (found.outcome === 'HERE') return { state: found.entry.state };
      return found.outcome === 'TAKEN' ? store.touch(concertId, entryId, userId) : first;
    },

    async extend(concertId: string, layout: ShardedLayout, entryId: string, userId: string) {
      const first = await store.extend(concertId, entryId, userId);
      if (first.outcome !== 'GONE') return first;
      const found = await settle(concertId, layout, entryId, userId);
      if (found.outcome === 'HERE') return { outcome: 'NOT_ACTIVE' as const };
      return found.outcome === 'TAKEN' ? store.extend(concertId, entryId, userId) : first;
    },

    /**
     * Ends her entry: on her shard while she waits, at home once let in (then her shard forgets
     * her, so a new entry of hers is made there at once).
     */
    async finish(concertId: string, layout: ShardedLayout, entryId: string, userId: string, reason: FinishReason): Promise<boolean> {
      const own = entryShard(entryId)!.shard;
      const tag = layout.tags[own];
      if (reason === 'exited') {
        const r = await shard.finish(tag, layout.version, entryId, userId);
        if (r.outcome === 'ENDED') return true;
        if (r.outcome !== 'TAKEN') return false;
        await admission.complete(concertId, layout, r.batch);
      }
      const ended = await store.finish(concertId, entryId, userId, reason);
      if (ended) await shard.sweep(tag, layout.version, '0', [{ entryId, userId }], []);
      return ended;
    },

    /** The home slot's snapshot with every shard's waiting fans and counters added in. */
    async stats(concertId: string, layout: ShardedLayout, home: RoomSnapshot): Promise<RoomSnapshot & { shardWaiting: number[] }> {
      const shards = await Promise.all(layout.tags.map((tag) => shard.stats(tag, layout.version)));
      const counters = { ...home.counters };
      const shardWaiting: number[] = [];
      let preQueued = 0;
      for (const s of shards) {
        if (s.outcome !== 'STATS') throw new StaleLayoutError(concertId);
        shardWaiting.push(s.waiting);
        preQueued += s.preQueued;
        for (const [field, value] of Object.entries(s.counters)) counters[field] = String(Number(counters[field] ?? 0) + Number(value));
      }
      return { ...home, waiting: shardWaiting.reduce((a, b) => a + b, 0), preQueued, counters, shardWaiting };
    },
  };
}

export type ShardedRoom = ReturnType<typeof createShardedRoom>;
