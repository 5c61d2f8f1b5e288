import type { Cluster } from 'ioredis';
import type { DurableWrites } from './durable-writes.ts';
import { commandName, defineScripts, DURABLE_SCRIPTS, scriptKeys, type ScriptName } from './lua-scripts.ts';
import { createScriptBatches, type ScriptReply, type ScriptValue } from './script-batches.ts';

/**
 * A concert's waiting room in Redis: one typed function per script of lua/ (one atomic script,
 * one round trip each), returning parsed objects. Each function's reply shape is the one its
 * script's header describes; this is the only module that reads a script's reply by position.
 */
export type EntryState = 'PRE_QUEUE' | 'WAITING' | 'READY' | 'ACTIVE';

/** What a waiting fan's estimate and poll advice are based on. */
export type EstimateBasis = {
  /** Admissions per second the promoters measured; null until a first window was measured. */
  measuredRate: number | null;
  admitPerSecond: number;
  readyTtlSeconds: number;
};

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
  const run = (name: ScriptName, concertId: string, ...args: (string | number)[]): Promise<ScriptReply> =>
    batches.run(commandName(name), scriptKeys(concertId), args, options.durableWrites !== undefined && DURABLE_SCRIPTS.has(name));

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
      if (outcome === 'NO_CONCERT' || outcome === 'NEED_DRAW') return { outcome };
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
      const [admitted, expired, more, latencies] = await run('promote', concertId, budget, burstSeconds, rateWindowMs);
      return { admitted: Number(admitted), expired: Number(expired), more: Number(more) === 1, latenciesMs: asList(latencies).map(Number) };
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
  };
}

export type RoomStore = ReturnType<typeof createRoomStore>;

function snapshot(state: ScriptValue, position: ScriptValue, totalWaiting: ScriptValue, deadline: ScriptValue, basis: ScriptValue, saleStartsAt: ScriptValue): EntrySnapshot {
  const [measuredRate, admitPerSecond, readyTtlSeconds] = asList(basis);
  return {
    state: String(state) as EntryState,
    position: position === null ? null : Number(position),
    totalWaiting: Number(totalWaiting),
    deadline: deadline === null ? null : Number(deadline),
    basis: {
      measuredRate: measuredRate === null || measuredRate === undefined ? null : Number(measuredRate),
      admitPerSecond: Number(admitPerSecond),
      readyTtlSeconds: Number(readyTtlSeconds),
    },
    saleStartsAt: saleStartsAt === null || saleStartsAt === undefined ? null : Number(saleStartsAt),
  };
}

const asList = (value: ScriptValue): ScriptValue[] => (Array.isArray(value) ? value : []);

/** A Lua field/value list (HGETALL) as a record. */
function toRecord(list: ScriptValue): Record<string, string> {
  const record: Record<string, string> = {};
  const items = asList(list);
  for (let i = 0; i + 1 < items.length; i += 2) record[String(items[i])] = String(items[i + 1]);
  return record;
}

const unexpected = (script: ScriptName, reply: ScriptReply) => new Error(`${script}.lua replied ${JSON.stringify(reply).slice(0, 200)}, which no caller expects`);
