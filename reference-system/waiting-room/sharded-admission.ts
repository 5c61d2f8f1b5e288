import { randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { shardKeys } from './keys.ts';
import type { PromoteResult, RoomStore } from './room-store.ts';
import { entryShard, type ShardedLayout } from './room-layout.ts';
import type { ShardCut } from './shard-store.ts';

/** A shard answered for another layout than the caller's: read the layout again. */
export class StaleLayoutError extends Error {
  constructor(concertId: string) {
    super(`the layout of concert ${concertId}'s waiting room changed`);
    this.name = 'StaleLayoutError';
  }
}

export type AdmissionOptions = {
  /** Most expiries + admissions in one run (PROMOTER_BATCH). */
  budget: number;
  burstSeconds: number;
  rateWindowMs: number;
  /** How long a batch is its promoter's before another run may take it over. */
  leaseMs: number;
};

/**
 * Admission of a sharded room: one batch at a time per concert, journaled in its home slot
 * (lua/admission/), so several promoters may race and any of them may die between steps:
 *
 * 1. begin (home): expire overdue entries; size the batch within capacity (READY + ACTIVE, at
 *    home) and the token bucket; journal it with a lease. Or take over a batch whose lease ran
 *    out, with its plan if it had one.
 * 2. cut (every shard): raise its floor to T_k and read its first fans. Only fans stamped at or
 *    below T = min T_k are eligible: every such fan has landed, and none can land below T later.
 *    The batch is the first n eligible in (score, shard) order: the room's order.
 * 3. plan (home): record those fans, before any leaves her shard.
 * 4. take (each shard with planned fans): off the waiting line; idempotent.
 * 5. commit (home): the taken become READY, once; the journal goes.
 *
 * A run that stops after 3 leaves a journal whose plan the next run (after the lease), or any
 * request that meets a taken fan (`complete`), finishes with the same takes and commit. Fans who
 * entered within a cut wait for the next run (the promoter runs again at once while a batch is
 * full).
 */
export function createShardedAdmission(redis: Cluster, store: RoomStore, onAdmitted?: (concertId: string, latenciesMs: number[]) => void) {
  /** Per concert, the shards' copy of the policy this instance pushed last. */
  const pushed = new Map<string, string>();

  /** Keeps the shards' copies of the policy as the home slot has it (enter and status read them). */
  const pushCopy = async (concertId: string, layout: ShardedLayout, copy: Record<string, string>) => {
    const text = `${layout.version}|${JSON.stringify(copy)}`;
    if (pushed.get(concertId) === text) return;
    const answers = await Promise.all(layout.tags.map((tag) => store.shard.policy(tag, layout.version, 'refresh', copy)));
    if (answers.includes('LAYOUT')) throw new StaleLayoutError(concertId);
    pushed.set(concertId, text);
  };

  /**
   * Whether anyone waits on any shard: a plain ZCARD each, far cheaper than a cut, so a room
   * nobody waits in (most rooms, most of the time) costs a run no batch. A fan who enters just
   * after it is seen by the next run, as one who enters just after a promote run of one slot.
   */
  const anyoneWaiting = async (layout: ShardedLayout) => (await Promise.all(layout.tags.map((tag) => redis.zcard(shardKeys(tag).waiting)))).some((n) => n > 0);

  /** Takes a batch's plan off its shards (idempotent), in plan order. */
  const takeAll = async (concertId: string, layout: ShardedLayout, batch: string, plan: string[]) => {
    const byShard = new Map<number, string[]>();
    for (const id of plan) {
      const shard = entryShard(id)?.shard;
      if (shard === undefined || shard >= layout.shards) throw new Error(`entry ${id} of batch ${batch} names no shard of layout ${layout.version}`);
      byShard.set(shard, [...(byShard.get(shard) ?? []), id]);
    }
    const answers = await Promise.all([...byShard].map(([shard, ids]) => store.shard.take(layout.tags[shard], layout.version, batch, ids)));
    const taken = new Map<string, string>();
    for (const answer of answers) {
      if (answer.outcome !== 'TAKEN') throw new StaleLayoutError(concertId);
      for (const t of answer.taken) taken.set(t.entryId, t.userId);
    }
    return plan.filter((id) => taken.has(id)).map((entryId) => ({ entryId, userId: taken.get(entryId)! }));
  };

  /**
   * Shards forget their let-in fans whose entry ended at home; the others are looked at again
   * once batches of RECHECK_AFTER_US later began (so a run never checks the same shoppers twice).
   */
  const sweep = async (layout: ShardedLayout, batch: string, fans: { entryId: string; userId: string; shard: number }[], ended: Set<string>) => {
    const later = String(Number(batch) + RECHECK_AFTER_US);
    await Promise.all(
      layout.tags.map((tag, shard) => {
        const here = fans.filter((fan) => fan.shard === shard);
        if (here.length === 0) return undefined;
        return store.shard.sweep(tag, layout.version, later, here.filter((fan) => ended.has(fan.entryId)), here.filter((fan) => !ended.has(fan.entryId)).map((fan) => fan.entryId));
      }),
    );
  };

  return {
    /** One promoter run on a sharded room. Throws StaleLayoutError when a shard is of another layout. */
    async run(concertId: string, layout: ShardedLayout, options: AdmissionOptions): Promise<PromoteResult> {
      const owner = randomBytes(8).toString('hex');
      const waiting = await anyoneWaiting(layout);
      const start = await store.admission.begin(concertId, { ...options, owner, anyoneWaiting: waiting });
      await pushCopy(concertId, layout, start.shardCopy);
      const idle = { admitted: 0, expired: start.expired, more: start.expired >= options.budget, latenciesMs: [], sharded: true };
      if (start.outcome === 'BUSY' || start.outcome === 'IDLE' || start.batch === null) return idle;
      const batch = start.batch;

      let plan = start.plan;
      let check: { entryId: string; userId: string; shard: number }[] = [];
      let cutSpreadUs: number | undefined;
      let deferred = false;
      if (!plan) {
        const cuts = await Promise.all(layout.tags.map((tag) => store.shard.heads(tag, layout.version, start.n, batch, options.budget)));
        const shardCuts = cuts.map((cut) => {
          if (cut.outcome !== 'CUT') throw new StaleLayoutError(concertId);
          return cut;
        });
        plan = firstEligible(shardCuts, start.n);
        const lowest = Math.min(...shardCuts.map((cut) => cut.cut));
        cutSpreadUs = Math.max(...shardCuts.map((cut) => cut.cut)) - lowest;
        // Fans the cut left for later while the batch had room: the next run comes at once.
        deferred = plan.length < start.n && shardCuts.some((cut) => cut.heads.some((head) => head.score > lowest));
        check = shardCuts.flatMap((cut, shard) => cut.letInBefore.map((fan) => ({ ...fan, shard })));
        // Nobody to take: no plan to record, the commit only keeps the books and ends the batch.
        if (plan.length > 0 && !(await store.admission.plan(concertId, batch, owner, plan))) return idle;
      }
      const taken = await takeAll(concertId, layout, batch, plan);
      const commit = await store.admission.commit(concertId, batch, {
        burstSeconds: options.burstSeconds,
        rateWindowMs: options.rateWindowMs,
        anyoneWaiting: waiting,
        taken,
        check: check.map((fan) => fan.entryId),
      });
      await sweep(layout, batch, check, new Set(commit.ended));
      return {
        admitted: commit.admitted,
        expired: start.expired,
        more: start.expired + plan.length >= options.budget || deferred,
        latenciesMs: commit.latenciesMs,
        sharded: true,
        cutSpreadUs,
      };
    },

    /**
     * Finishes a batch that is still in progress with its recorded plan: for a request that met
     * one of its fans taken off her shard but not READY yet (her promoter may have died).
     */
    async complete(concertId: string, layout: ShardedLayout, batch: string): Promise<void> {
      const journal = await store.admission.journal(concertId, batch);
      if (!journal.pending) return;
      // A fan is taken only after her batch's plan was recorded: a plan must be there.
      if (!journal.plan) throw new Error(`admission batch ${batch} of concert ${concertId} took fans without a plan`);
      const taken = await takeAll(concertId, layout, batch, journal.plan);
      // The books as a promoter keeps them, but with a bucket of one second (the smallest a
      // promoter uses) and no rate sample: this is not a promoter's run.
      const commit = await store.admission.commit(concertId, batch, { burstSeconds: 1, rateWindowMs: Number.MAX_SAFE_INTEGER, anyoneWaiting: true, taken, check: [] });
      if (commit.committed) onAdmitted?.(concertId, commit.latenciesMs);
    },

  };
}

export type ShardedAdmission = ReturnType<typeof createShardedAdmission>;

/** A let-in fan still alive at home is looked at again after this long (batch ids are µs). */
const RECHECK_AFTER_US = 5_000_000;

/**
 * The first `n` fans of the room among those every shard's cut proves landed (score at or below
 * the lowest cut), in (score, shard) order: the order positions count in.
 */
export function firstEligible(cuts: Pick<ShardCut, 'cut' | 'heads'>[], n: number): string[] {
  const bound = Math.min(...cuts.map((cut) => cut.cut));
  return cuts
    .flatMap((cut, shard) => cut.heads.filter((head) => head.score <= bound).map((head) => ({ ...head, shard })))
    .sort((a, b) => a.score - b.score || a.shard - b.shard)
    .slice(0, n)
    .map((head) => head.entryId);
}
