import { admissionKeys, type RunScript, type ScriptName } from './lua-scripts.ts';
import { asList, toRecord, unexpected } from './script-replies.ts';

/**
 * Admission of a sharded room, in its home slot with the batch journal (lua/admission/, keys of
 * lua/lib/admission.lua): one typed function per script.
 */
export type BatchStart = {
  outcome: 'BATCH' | 'RESUME' | 'BUSY' | 'IDLE';
  expired: number;
  /** The batch's id (µs of the home master's clock), for BATCH, RESUME and BUSY. */
  batch: string | null;
  /** Most fans the batch may let in. */
  n: number;
  /** RESUME of a batch that had chosen its fans: their entry ids, in admission order. */
  plan: string[] | null;
  /** The policy fields the shards keep a copy of ('' for unset). */
  shardCopy: Record<string, string>;
};

export function createAdmissionStore(run: RunScript) {
  const call = (name: ScriptName, concertId: string, ...args: (string | number)[]) => run(name, admissionKeys(concertId), args);

  return {
    /** Expires overdue READY/ACTIVE entries, then begins a batch or takes over a stalled one. */
    async begin(concertId: string, o: { budget: number; burstSeconds: number; rateWindowMs: number; leaseMs: number; owner: string; anyoneWaiting: boolean }): Promise<BatchStart> {
      const reply = await call('admission/begin', concertId, o.budget, o.burstSeconds, o.rateWindowMs, o.leaseMs, o.owner, o.anyoneWaiting ? '1' : '0');
      const [outcome, expired, batch, n, plan, copy] = reply;
      if (outcome !== 'BATCH' && outcome !== 'RESUME' && outcome !== 'BUSY' && outcome !== 'IDLE') throw unexpected('admission/begin', reply);
      return {
        outcome,
        expired: Number(expired),
        batch: batch === null ? null : String(batch),
        n: Number(n),
        plan: plan === null ? null : String(plan).split(' ').filter(Boolean),
        shardCopy: toRecord(copy),
      };
    },

    /** Records the fans a batch lets in; false when the batch is no longer this run's. */
    async plan(concertId: string, batch: string, owner: string, entryIds: string[]): Promise<boolean> {
      const reply = await call('admission/plan', concertId, batch, owner, ...entryIds);
      if (reply[0] === 'OK' || reply[0] === 'LOST') return reply[0] === 'OK';
      throw unexpected('admission/plan', reply);
    },

    /**
     * The taken fans become READY, once per batch (`committed` false: another run committed it).
     * `check`: entry ids of fans let in by earlier batches; `ended` lists those gone from home.
     */
    async commit(
      concertId: string,
      batch: string,
      o: { burstSeconds: number; rateWindowMs: number; anyoneWaiting: boolean; taken: { entryId: string; userId: string }[]; check: string[] },
    ): Promise<{ committed: boolean; admitted: number; latenciesMs: number[]; ended: string[] }> {
      const reply = await call(
        'admission/commit',
        concertId,
        batch,
        o.burstSeconds,
        o.rateWindowMs,
        o.anyoneWaiting ? '1' : '0',
        o.taken.length,
        ...o.taken.flatMap((t) => [t.entryId, t.userId]),
        ...o.check,
      );
      const [outcome, admitted, latencies, ended] = reply;
      if (outcome !== 'DONE' && outcome !== 'GONE') throw unexpected('admission/commit', reply);
      return { committed: outcome === 'DONE', admitted: Number(admitted), latenciesMs: asList(latencies).map(Number), ended: asList(ended).map(String) };
    },

    /** Whether a batch is still in progress, with its plan once chosen. */
    async journal(concertId: string, batch: string): Promise<{ pending: false } | { pending: true; plan: string[] | null }> {
      const reply = await call('admission/journal', concertId, batch);
      if (reply[0] === 'DONE') return { pending: false };
      if (reply[0] === 'PENDING') return { pending: true, plan: reply[1] === null ? null : String(reply[1]).split(' ').filter(Boolean) };
      throw unexpected('admission/journal', reply);
    },
  };
}

export type AdmissionStore = ReturnType<typeof createAdmissionStore>;
