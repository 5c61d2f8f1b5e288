import type { LayoutRefusal, ShardAsk, ShardStore } from './shard-store.ts';

/** What one fan's mark or count on a shard answered: the fans ahead of her there, and waiting there. */
export type ShardCount = { outcome: 'COUNTED'; ahead: number; waitingHere: number };

/**
 * Marks and counts (lua/shard/mark.lua, count.lua) asked of one shard in one event-loop turn go
 * to it as one script call: every enter and every waiting fan's status asks each other shard, so
 * at a rush's rates one call per shard per turn instead of one per fan saves most of the
 * per-call cost in Redis and in the service. Asked with `score` null: only how many wait there.
 */
export function createShardCounts(shard: ShardStore) {
  type Ask = { score: string | null; lowerIndex: boolean; resolve: (answer: LayoutRefusal | ShardCount) => void; reject: (error: unknown) => void };
  type Pending = { kind: 'mark' | 'count'; tag: string; version: number; asks: Ask[] };
  let pending = new Map<string, Pending>();
  let scheduled = false;

  const send = async ({ kind, tag, version, asks }: Pending) => {
    const scored = asks.filter((a) => a.score !== null);
    try {
      const answer = await shard[kind](tag, version, scored.map((a): ShardAsk => ({ score: a.score!, lowerIndex: a.lowerIndex })));
      if (answer.outcome !== 'COUNTED') {
        for (const a of asks) a.resolve(answer);
        return;
      }
      for (const a of asks) {
        const i = scored.indexOf(a);
        a.resolve({ outcome: 'COUNTED', ahead: i < 0 ? 0 : answer.ahead[i], waitingHere: answer.waitingHere });
      }
    } catch (error) {
      for (const a of asks) a.reject(error);
    }
  };

  const flush = () => {
    scheduled = false;
    const batches = pending;
    pending = new Map();
    for (const batch of batches.values()) void send(batch);
  };

  const ask = (kind: Pending['kind'], tag: string, version: number, score: string | null, lowerIndex: boolean) =>
    new Promise<LayoutRefusal | ShardCount>((resolve, reject) => {
      const key = `${kind}|${version}|${tag}`;
      let batch = pending.get(key);
      if (!batch) pending.set(key, (batch = { kind, tag, version, asks: [] }));
      batch.asks.push({ score, lowerIndex, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });

  return {
    /** Raises the shard's floor to a new entry's score (a durable write); who waits there ahead of her. */
    mark: (tag: string, version: number, score: string, lowerIndex: boolean) => ask('mark', tag, version, score, lowerIndex),
    /** Who waits on the shard ahead of a fan of another shard (score null: only how many wait there). */
    count: (tag: string, version: number, score: string | null, lowerIndex: boolean) => ask('count', tag, version, score, lowerIndex),
  };
}

export type ShardCounts = ReturnType<typeof createShardCounts>;
