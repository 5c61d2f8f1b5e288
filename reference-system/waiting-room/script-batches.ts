import type { Cluster } from 'ioredis';
import { createReplicaView, NotReplicatedError, type DurableWrites } from './durable-writes.ts';

/** A script's reply as Redis sends it (a Lua false arrives as null); room-store.ts parses it. */
export type ScriptValue = string | number | null | ScriptValue[];
export type ScriptReply = ScriptValue[];

type Call = { command: string; keys: string[]; args: (string | number)[]; id: string; resolve: (reply: ScriptReply) => void; reject: (error: unknown) => void };
/** Calls whose keys lie in one slot; each call keeps its own keys (a slot's scripts may take different ones). */
type Batch = { concertKeys: string[]; durable: boolean; calls: Call[] };

/**
 * Script calls made in one event-loop turn go to Redis together: one pipeline (one write, one
 * read) per concert, sent when the turn's I/O is done (setImmediate), and a batch never waits
 * for the one before it. ioredis' own auto-pipelining does wait: it keeps one pipeline in flight
 * per node and queues every later command behind that round trip, which at 5,000 enters/s kept
 * requests waiting inside the service (see docs/load.md, enter-latency).
 *
 * With durable writes, writes a user is told succeeded go in batches of their own that end in
 * one WAIT: Redis counts the connection's writes, so one WAIT confirms the whole batch (a
 * pipeline goes to the slot owner on that node's one connection), and reads never wait for it.
 * A WAIT that comes back short is forgiven only when the master's own configuration says the
 * shard has fewer replicas than asked for (a promoted replica alone); otherwise the batch waits
 * again, in steps, until `durableWrites.timeoutMs` has passed: see confirm below.
 */
export function createScriptBatches(redis: Cluster, durableWrites?: DurableWrites) {
  let pending = new Map<string, Batch>();
  let scheduled = false;
  const replicas = durableWrites ? createReplicaView(redis) : undefined;

  const flush = () => {
    scheduled = false;
    const batches = pending;
    pending = new Map();
    for (const batch of batches.values()) void send(batch);
  };

  const send = async ({ concertKeys, durable, calls }: Batch) => {
    const pipeline = redis.pipeline() as unknown as Record<string, (...a: unknown[]) => unknown> & { call: Cluster['call']; exec: Cluster['exec'] };
    for (const call of calls) pipeline[call.command](...call.keys, ...call.args, call.id);
    const wanted = durable && durableWrites ? durableWrites.replicas : 0;
    const deadline = performance.now() + (durableWrites?.timeoutMs ?? 0);
    const echo = `echo-${nextId()}`;
    // Where the shard's master says it has no replica (a promoted one, alone), WAIT only probes
    // (1 ms) instead of holding every write for a step. Not yet known counts as a replica. The
    // ECHO after it proves the WAIT's reply is the WAIT's (see misattributed below).
    if (wanted > 0) {
      pipeline.call('WAIT', wanted, replicas!.known(concertKeys[0]) === 0 ? 1 : waitStep(deadline));
      pipeline.call('ECHO', echo);
    }
    try {
      const results = (await pipeline.exec()) ?? [];
      const replies = calls.map((call, i) => {
        const [error, reply] = results[i] ?? [new Error('no reply in the pipeline')];
        if (error) return { error };
        const [id, value] = Array.isArray(reply) ? reply : [];
        return id === call.id ? { value: value as ScriptReply } : { error: misattributed() };
      });
      let notConfirmed: unknown;
      if (wanted > 0) {
        const [waitError, acknowledged] = results[calls.length] ?? [new Error('no reply to WAIT')];
        const [echoError, echoed] = results[calls.length + 1] ?? [new Error('no reply to ECHO')];
        const trusted = !echoError && echoed === echo && replies.every((r) => !(r.error instanceof MisattributedReplyError));
        notConfirmed = waitError ?? (trusted ? await confirm(concertKeys[0], Number(acknowledged), wanted, deadline) : misattributed());
      }
      calls.forEach((call, i) => {
        const reply = replies[i];
        if (reply.error) call.reject(reply.error);
        else if (notConfirmed) call.reject(notConfirmed);
        else call.resolve(reply.value!);
      });
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  };

  /**
   * Undefined once enough replicas confirmed the batch: all that were wanted, or all the shard
   * has by its master's own configuration (a promoted replica alone has none, and refusing every
   * write until an operator restores a replica would close the room). Until then it WAITs again
   * on the master connection the batch was written on (WAIT counts that connection's writes),
   * and gives up with NotReplicatedError at the deadline: a replica slow under a burst delays
   * the answer instead of failing it. The WAIT goes in a pipeline of its own, led by a read of
   * the key so it is routed to that master (never straight to the node: see createReplicaView),
   * and followed by an ECHO that proves its reply is its own.
   */
  const confirm = async (key: string, acknowledged: number, wanted: number, deadline: number) => {
    try {
      while (acknowledged < wanted) {
        const existing = await replicas!.fresh(key);
        if (acknowledged >= Math.min(wanted, existing)) return undefined;
        if (performance.now() >= deadline) return new NotReplicatedError(acknowledged, wanted);
        const echo = `echo-${nextId()}`;
        const pipeline = redis.pipeline().exists(key);
        pipeline.call('WAIT', wanted, waitStep(deadline));
        pipeline.call('ECHO', echo);
        const [, [waitError, count], [, echoed]] = ((await pipeline.exec()) ?? []) as [unknown, [unknown, unknown], [unknown, unknown]];
        if (waitError) return waitError;
        if (echoed !== echo) return misattributed();
        acknowledged = Number(count);
      }
      return undefined;
    } catch (error) {
      return error;
    }
  };

  return {
    /** Replicas per shard as their masters see them (durable writes only): part of readiness. */
    replicas,
    /**
     * Runs `command` (a script defined on the client) on keys of one slot in the next batch of
     * that slot (batches are keyed by the first key, which every script of a slot shares).
     */
    run(command: string, concertKeys: string[], args: (string | number)[], durable: boolean): Promise<ScriptReply> {
      return new Promise((resolve, reject) => {
        const key = durable ? `${concertKeys[0]}\u0000durable` : concertKeys[0];
        let batch = pending.get(key);
        if (!batch) pending.set(key, (batch = { concertKeys, durable, calls: [] }));
        batch.calls.push({ command, keys: concertKeys, args, id: nextId(), resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}

/**
 * One WAIT lasts at most this long, so a shard that lost its replica meanwhile (a failover) is
 * noticed between steps instead of holding writes for the whole timeout. WAIT blocks the
 * connection it is sent on, so shorter also means other commands to that master wait less.
 */
const WAIT_STEP_MS = 250;
const waitStep = (deadline: number) => Math.max(1, Math.min(WAIT_STEP_MS, Math.ceil(deadline - performance.now())));

/**
 * Every script call carries an id its reply must echo (lua-scripts.ts wraps each script so).
 * ioredis can hand a reply to the wrong command of a connection when pipelines and other
 * commands meet a node that is reconnecting (seen in features/faults/redis-master-failure: an
 * enter answered with another command's integer, a WAIT with a set's members). A reply with the
 * wrong id is never passed on: the fan gets 503 and retries, and a batch with such a reply, or
 * whose ECHO came back wrong, has no WAIT result to trust.
 */
export class MisattributedReplyError extends Error {
  constructor() {
    super('MISATTRIBUTED_REPLY: Redis client handed a reply to the wrong command (connection recovering)');
    this.name = 'MisattributedReplyError';
  }
}
const misattributed = () => new MisattributedReplyError();

let lastId = 0;
const nextId = () => (++lastId).toString(36);
