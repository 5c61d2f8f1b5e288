import type { Cluster } from 'ioredis';
import { createAdmissionStore } from './admission-store.ts';
import type { DurableWrites } from './durable-writes.ts';
import { commandName, defineScripts, DURABLE_SCRIPTS, scriptKeys, type RunScript, type ScriptName } from './lua-scripts.ts';
import { createScriptBatches, type ScriptReply, type ScriptValue } from './script-batches.ts';
import { asList, parseBasis, toRecord, unexpected, type EstimateBasis } from './script-replies.ts';
import { createShardStore } from './shard-store.ts';

/**
 * A concert's waiting room in Redis: one typed function per script of lua/ (one atomic script,
 * one round trip each), returning parsed objects. Each function's reply shape is the one its
 * script's header describes; this module, shard-store.ts (lua/shard/) and admission-store.ts
 * (lua/admission/) are the only ones that read a script's reply by position.
 */
export type EntryState = 'PRE_QUEUE' | 'WAITING' | 'READY' | 'ACTIVE';

export type { EstimateBasis };

/** One live entry, as enter and status see it. */
export type EntrySnapshot = {
  state: EntryState;
  /** 1-based among the waiting; null unless WAITING. */
  position: number | null;
  totalWaiting: number;
  /** Epoch ms by which a READY fan must activate, or an ACTIVE turn ends; null otherwise. */
  deadline: number | null;
  basis: EstimateBasis;
  /** Epoch ms the sale starts, while the entry is in its pre-queue; null otherwise. */
  saleStartsAt: number | null;
};

export type EnterResult =
  | { outcome: 'NO_CONCERT' }
  /** The room is spread over shards: enter it there (sharded-room.ts). */
  | { outcome: 'LAYOUT' }
  | { outcome: 'NOT_OPEN'; opensAt: number }
  /** The concert has a pre-queue and the caller gave no draw score: call again with it. */
  | { outcome: 'NEED_DRAW' }
  | { outcome: 'NEW' | 'EXISTING'; entryId: string; entry: EntrySnapshot };

export type PromoteResult = {
  admitted: number;
  expired: number;
  /** The run used its whole budget: run again. */
  more: boolean;
  /** Enter-to-READY time of each fan admitted, ms. */
  latenciesMs: number[];
  /** The room is spread over shards: lua/admission/ admits it, not promote.lua. */
  sharded: boolean;
  /**
   * A sharded room's run that cut its shards: how far apart the cuts were (µs, the highest less
   * the lowest). Fans stamped in between wait for the next run: the fairness cost of the cut.
   */
  cutSpreadUs?: number;
};

/** A consistent snapshot of one room (lua/stats.lua). */
export type RoomSnapshot = {
  waiting: number;
  ready: number;
  active: number;
  /** The stats hash: entered, admitted, exited, expired, completed, extended, preQueueEntered. */
  counters: Record<string, string>;
  /** The policy hash as stored; empty when the concert has no room. */
  policy: Record<string, string>;
  preQueued: number;
  drawCommitment: string | null;
  /** Only once the sale started. */
  drawSeed: string | null;
};

export type FinishReason = 'exited' | 'completed';


export function createRoomStore(redis: Cluster, options: { durableWrites?: DurableWrites } = {}) {
  defineScripts(redis);
  const batches = createScriptBatches(redis, options.durableWrites);
  const runScript: RunScript = (name, keys, args) => batches.run(commandName(name), keys, args, options.durableWrites !== undefined && DURABLE_SCRIPTS.has(name));
  const run = (name: ScriptName, concertId: string, ...args: (string | number)[]): Promise<ScriptReply> => runScript(name, scriptKeys(concertId), args);

  return {
    /** With durable writes: replica counts by master (readiness waits for them). */
    replicas: batches.replicas,

    /**
     * A new entry at the back (or at its drawn place in a pre-queue), or the fan's live one.
     * `entryBits`: fresh random bits for the entry id, used only for a new entry; `drawScore`:
     * the fan's place in a pre-queue's draw (queue/draw.ts), '' when the caller knows of none.
     */
    async enter(concertId: string, userId: string, entryBits: string, drawScore: string): Promise<EnterResult> {
      const reply = await run('enter', concertId, userId, entryBits, drawScore);
      const outcome = String(reply[0]);
      if (outcome === 'NO_CONCERT' || outcome === 'NEED_DRAW' || outcome === 'LAYOUT') return { outcome };
      if (outcome === 'NOT_OPEN') return { outcome, opensAt: Number(reply[1]) };
      if (outcome !== 'NEW' && outcome !== 'EXISTING') throw unexpected('enter', reply);
      const [, state, entryId, position, totalWaiting, deadline, basis, saleStartsAt] = reply;
      return { outcome, entryId: String(entryId), entry: snapshot(state, position, totalWaiting, deadline, basis, saleStartsAt) };
    },

    /** The entry as its token's holder sees it; undefined when it is gone (or not hers). */
    async status(concertId: string, entryId: string, userId: string): Promise<EntrySnapshot | undefined> {
      const reply = await run('status', concertId, entryId, userId);
      if (reply[0] === 'GONE') return undefined;
      const [state, position, totalWaiting, deadline, basis, saleStartsAt] = reply;
      return snapshot(state, position, totalWaiting, deadline, basis, saleStartsAt);
    },

    /** READY → ACTIVE (again: the idle deadline slides); `deadline` is when the turn ends. */
    async activate(concertId: string, entryId: string, userId: string): Promise<{ outcome: 'ACTIVE'; deadline: number } | { outcome: 'NOT_READY' } | { outcome: 'GONE' }> {
      const reply = await run('activate', concertId, entryId, userId);
      if (reply[0] === 'ACTIVE') return { outcome: 'ACTIVE', deadline: Number(reply[1]) };
      if (reply[0] === 'NOT_READY' || reply[0] === 'GONE') return { outcome: reply[0] };
      throw unexpected('activate', reply);
    },

    /** The core's token check: the entry's state; an ACTIVE turn's idle deadline slides. */
    async touch(concertId: string, entryId: string, userId: string): Promise<{ state: 'ACTIVE'; deadline: number } | { state: Exclude<EntryState, 'ACTIVE'> | 'GONE' }> {
      const reply = await run('touch', concertId, entryId, userId);
      if (reply[0] === 'ACTIVE') return { state: 'ACTIVE', deadline: Number(reply[1]) };
      if (['PRE_QUEUE', 'WAITING', 'READY', 'GONE'].includes(String(reply[0]))) return { state: reply[0] as Exclude<EntryState, 'ACTIVE'> | 'GONE' };
      throw unexpected('touch', reply);
    },

    /** Moves an ACTIVE turn's session deadline on, at most maxExtensions times. */
    async extend(
      concertId: string,
      entryId: string,
      userId: string,
    ): Promise<{ outcome: 'ACTIVE'; deadline: number; extensionsLeft: number } | { outcome: 'NOT_ACTIVE' } | { outcome: 'EXTENSION_LIMIT' } | { outcome: 'GONE' }> {
      const reply = await run('extend', concertId, entryId, userId);
      if (reply[0] === 'ACTIVE') return { outcome: 'ACTIVE', deadline: Number(reply[1]), extensionsLeft: Number(reply[2]) };
      if (reply[0] === 'NOT_ACTIVE' || reply[0] === 'EXTENSION_LIMIT' || reply[0] === 'GONE') return { outcome: reply[0] };
      throw unexpected('extend', reply);
    },

    /** Ends a live entry now (the fan left, or her booking completed); false when it was gone. */
    async finish(concertId: string, entryId: string, userId: string, reason: FinishReason): Promise<boolean> {
      const reply = await run('finish', concertId, entryId, userId, reason);
      if (reply[0] === 'ENDED') return true;
      if (reply[0] === 'GONE') return false;
      throw unexpected('finish', reply);
    },

    /**
     * One promoter run: expire overdue READY/ACTIVE entries, admit waiting ones under capacity and
     * rate. `budget` bounds expiries + admissions (how long Redis is blocked); `burstSeconds` the
     * token bucket; `rateWindowMs` the window of the measured admission rate.
     */
    async promote(concertId: string, budget: number, burstSeconds: number, rateWindowMs: number): Promise<PromoteResult> {
      const [admitted, expired, more, latencies, sharded] = await run('promote', concertId, budget, burstSeconds, rateWindowMs);
      return { admitted: Number(admitted), expired: Number(expired), more: Number(more) === 1, latenciesMs: asList(latencies).map(Number), sharded: Number(sharded) === 1 };
    },

    async stats(concertId: string): Promise<RoomSnapshot> {
      const [waiting, ready, active, counters, policy, preQueued, commitment, seed] = await run('stats', concertId);
      return {
        waiting: Number(waiting),
        ready: Number(ready),
        active: Number(active),
        counters: toRecord(counters),
        policy: toRecord(policy),
        preQueued: Number(preQueued),
        drawCommitment: commitment === null ? null : String(commitment),
        drawSeed: seed === null ? null : String(seed),
      };
    },

    /**
     * Spreads the room over `shards` shards (or back onto one slot) while nobody has entered it
     * here: lua/layout.lua. `expected`: the layout version the caller read ('' for none).
     */
    async setLayout(concertId: string, expected: string, shards: number, version: number, tags: string[]): Promise<'OK' | 'ENTERED' | 'CHANGED' | 'NO_CONCERT'> {
      const reply = await run('layout', concertId, expected, shards, version, tags.join(','));
      const outcome = String(reply[0]);
      if (outcome === 'OK' || outcome === 'ENTERED' || outcome === 'CHANGED' || outcome === 'NO_CONCERT') return outcome;
      throw unexpected('layout', reply);
    },

    /** One shard of a sharded room (lua/shard/). */
    shard: createShardStore(runScript),
    /** Admission of a sharded room, in its home slot (lua/admission/). */
    admission: createAdmissionStore(runScript),
  };
}

export type RoomStore = ReturnType<typeof createRoomStore>;

function snapshot(state: ScriptValue, position: ScriptValue, totalWaiting: ScriptValue, deadline: ScriptValue, basis: ScriptValue, saleStartsAt: ScriptValue): EntrySnapshot {
  return {
    state: String(state) as EntryState,
    position: position === null ? null : Number(position),
    totalWaiting: Number(totalWaiting),
    deadline: deadline === null ? null : Number(deadline),
    basis: parseBasis(basis),
    saleStartsAt: saleStartsAt === null || saleStartsAt === undefined ? null : Number(saleStartsAt),
  };
}
