import { shardScriptKeys, type RunScript, type ScriptName } from './lua-scripts.ts';
import type { ScriptReply } from './script-batches.ts';
import { asList, numberOrNull, parseBasis, toRecord, unexpected, type EstimateBasis } from './script-replies.ts';

/**
 * One shard of a sharded room (lua/shard/, keys of lua/lib/shard.lua): one typed function per
 * script, each returning its reply parsed. `tag` names the shard, `version` the layout the caller
 * believes in: a shard of another layout refuses (LAYOUT, NO_LAYOUT), a locked one refuses to
 * take entries (LOCKED), and the caller reads the room's layout again.
 */
export type LayoutRefusal = { outcome: 'LAYOUT' | 'NO_LAYOUT' | 'LOCKED' };

/** A waiting fan as her shard sees her. */
export type ShardEntry = {
  state: 'PRE_QUEUE' | 'WAITING';
  /** Her place in the room's order: a µs stamp, or a pre-queue draw score (negative). */
  score: string;
  /** 0-based among the waiting of her shard; null in the pre-queue. */
  rank: number | null;
  waitingHere: number;
  basis: EstimateBasis;
  saleStartsAt: number | null;
};

/** The promoter's cut of one shard (heads.lua). */
export type ShardCut = { cut: number; waitingHere: number; heads: { entryId: string; score: number }[]; letInBefore: { entryId: string; userId: string }[] };

/** A fan of another shard, for mark.lua and count.lua: her score; whether this shard's index is below hers. */
export type ShardAsk = { score: string; lowerIndex: boolean };
/** Fans waiting on the shard, and ahead of each fan asked about, in the order asked. */
export type ShardCounts = { outcome: 'COUNTED'; waitingHere: number; ahead: number[] };
const counted = (reply: ScriptReply): ShardCounts => ({ outcome: 'COUNTED', waitingHere: Number(reply[0]), ahead: reply.slice(1).map(Number) });

export function createShardStore(run: RunScript) {
  const call = (name: ScriptName, tag: string, version: number, ...args: (string | number)[]) => run(name, shardScriptKeys(tag), [version, ...args]);
  const refusal = (reply: ScriptReply): LayoutRefusal | undefined =>
    reply[0] === 'LAYOUT' || reply[0] === 'NO_LAYOUT' || reply[0] === 'LOCKED' ? { outcome: reply[0] } : undefined;
  const entry = (state: unknown, score: unknown, rank: unknown, size: unknown, basis: unknown, starts: unknown): ShardEntry => ({
    state: String(state) as ShardEntry['state'],
    score: String(score),
    rank: numberOrNull(rank as never),
    waitingHere: Number(size),
    basis: parseBasis(basis as never),
    saleStartsAt: numberOrNull(starts as never),
  });

  return {
    /**
     * A new entry on this shard, or the fan's entry here. `replace`: an entry of hers that ended at
     * home after she was let in, forgotten before a new one is made ('' for none).
     */
    async enter(
      tag: string,
      version: number,
      userId: string,
      entryBits: string,
      drawScore: string,
      replace: string,
    ): Promise<LayoutRefusal | { outcome: 'NOT_OPEN'; opensAt: number } | { outcome: 'NEED_DRAW' } | { outcome: 'TAKEN'; entryId: string; batch: string } | { outcome: 'NEW' | 'EXISTING'; entryId: string; entry: ShardEntry }> {
      const reply = await call('shard/enter', tag, version, userId, entryBits, drawScore, replace);
      const refused = refusal(reply);
      if (refused) return refused;
      if (reply[0] === 'NOT_OPEN') return { outcome: 'NOT_OPEN', opensAt: Number(reply[1]) };
      if (reply[0] === 'NEED_DRAW') return { outcome: 'NEED_DRAW' };
      if (reply[0] === 'TAKEN') return { outcome: 'TAKEN', entryId: String(reply[1]), batch: String(reply[2]) };
      if (reply[0] !== 'NEW' && reply[0] !== 'EXISTING') throw unexpected('shard/enter', reply);
      const [outcome, state, entryId, score, rank, size, basis, starts] = reply;
      return { outcome, entryId: String(entryId), entry: entry(state, score, rank, size, basis, starts) };
    },

    /**
     * Raises this shard's floor to the highest of new entries' scores (of other shards); for each,
     * the fans here ahead of her; and the fans waiting here.
     */
    async mark(tag: string, version: number, asks: ShardAsk[]): Promise<LayoutRefusal | ShardCounts> {
      const reply = await call('shard/mark', tag, version, ...asks.flatMap((a) => [a.score, a.lowerIndex ? '1' : '0']));
      return refusal(reply) ?? counted(reply);
    },

    /** For fans of other shards, the fans here ahead of each; and the fans waiting here. Reads only. */
    async count(tag: string, version: number, asks: ShardAsk[]): Promise<LayoutRefusal | ShardCounts> {
      const reply = await call('shard/count', tag, version, ...asks.flatMap((a) => [a.score, a.lowerIndex ? '1' : '0']));
      return refusal(reply) ?? counted(reply);
    },

    async status(
      tag: string,
      version: number,
      entryId: string,
      userId: string,
    ): Promise<LayoutRefusal | { outcome: 'GONE' } | { outcome: 'TAKEN'; batch: string; waitingHere: number } | { outcome: 'HERE'; entry: ShardEntry }> {
      const reply = await call('shard/status', tag, version, entryId, userId);
      const refused = refusal(reply);
      if (refused) return refused;
      if (reply[0] === 'GONE') return { outcome: 'GONE' };
      if (reply[0] === 'TAKEN') return { outcome: 'TAKEN', batch: String(reply[1]), waitingHere: Number(reply[2]) };
      const [state, score, rank, size, basis, starts] = reply;
      return { outcome: 'HERE', entry: entry(state, score, rank, size, basis, starts) };
    },

    /** A waiting fan of this shard leaves. */
    async finish(tag: string, version: number, entryId: string, userId: string): Promise<LayoutRefusal | { outcome: 'ENDED' | 'GONE' } | { outcome: 'TAKEN'; batch: string }> {
      const reply = await call('shard/finish', tag, version, entryId, userId);
      const refused = refusal(reply);
      if (refused) return refused;
      if (reply[0] === 'ENDED' || reply[0] === 'GONE') return { outcome: reply[0] };
      if (reply[0] === 'TAKEN') return { outcome: 'TAKEN', batch: String(reply[1]) };
      throw unexpected('shard/finish', reply);
    },

    /** The promoter's cut: raises the floor, the first `most` waiting here, fans let in before `batch` to check. */
    async heads(tag: string, version: number, most: number, batch: string, candidates: number): Promise<LayoutRefusal | ({ outcome: 'CUT' } & ShardCut)> {
      const reply = await call('shard/heads', tag, version, most, batch, candidates);
      const refused = refusal(reply);
      if (refused) return refused;
      const [cut, size, heads, old] = reply;
      const h = asList(heads);
      const o = asList(old);
      return {
        outcome: 'CUT',
        cut: Number(cut),
        waitingHere: Number(size),
        heads: Array.from({ length: h.length / 2 }, (_, i) => ({ entryId: String(h[2 * i]), score: Number(h[2 * i + 1]) })),
        letInBefore: Array.from({ length: o.length / 2 }, (_, i) => ({ entryId: String(o[2 * i]), userId: String(o[2 * i + 1]) })),
      };
    },

    /** Takes a batch's planned fans off this shard (idempotent); the ones it took, with their owners. */
    async take(tag: string, version: number, batch: string, entryIds: string[]): Promise<LayoutRefusal | { outcome: 'TAKEN'; taken: { entryId: string; userId: string }[] }> {
      const reply = await call('shard/take', tag, version, batch, ...entryIds);
      const refused = refusal(reply);
      if (refused) return refused;
      return { outcome: 'TAKEN', taken: Array.from({ length: reply.length / 2 }, (_, i) => ({ entryId: String(reply[2 * i]), userId: String(reply[2 * i + 1]) })) };
    },

    /** Forgets let-in fans whose entry ended at home; looks at the alive ones again after `batch`. */
    async sweep(tag: string, version: number, batch: string, ended: { entryId: string; userId: string }[], alive: string[]): Promise<LayoutRefusal | { outcome: 'SWEPT'; forgotten: number }> {
      const reply = await call('shard/sweep', tag, version, batch, ended.length, ...ended.flatMap((e) => [e.entryId, e.userId]), ...alive);
      return refusal(reply) ?? { outcome: 'SWEPT', forgotten: Number(reply[0]) };
    },

    async stats(tag: string, version: number): Promise<LayoutRefusal | { outcome: 'STATS'; waiting: number; preQueued: number; counters: Record<string, string> }> {
      const reply = await call('shard/stats', tag, version);
      const refused = refusal(reply);
      if (refused) return refused;
      return { outcome: 'STATS', waiting: Number(reply[0]), preQueued: Number(reply[1]), counters: toRecord(reply[2]) };
    },

    /** Writes this shard's copy of the policy ('create': joins it to the layout). '' deletes a field. */
    async policy(tag: string, version: number, mode: 'create' | 'refresh', fields: Record<string, string>): Promise<'OK' | 'LAYOUT'> {
      const reply = await call('shard/policy', tag, version, mode, ...Object.entries(fields).flat());
      if (reply[0] === 'OK' || reply[0] === 'LAYOUT') return reply[0];
      throw unexpected('shard/policy', reply);
    },

    async lock(tag: string, version: number, action: 'lock' | 'unlock' | 'retire'): Promise<LayoutRefusal | { outcome: 'OK' | 'ENTERED' }> {
      const reply = await call('shard/lock', tag, version, action);
      const refused = refusal(reply);
      if (refused) return refused;
      if (reply[0] === 'OK' || reply[0] === 'ENTERED') return { outcome: reply[0] };
      throw unexpected('shard/lock', reply);
    },
  };
}

export type ShardStore = ReturnType<typeof createShardStore>;
