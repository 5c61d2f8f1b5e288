import type { Cluster } from 'ioredis';
import { configuredReplicasOf, liveReplicasOf, NotReplicatedError, type DurableWrites } from './durable-writes.ts';
import type { ScriptReply } from './queue-scripts.ts';

type Call = { command: string; args: (string | number)[]; resolve: (reply: ScriptReply) => void; reject: (error: unknown) => void };
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
 * shard has fewer replicas than asked for (a promoted replica alone): see shortfall below.
 */
export function createScriptBatches(redis: Cluster, durableWrites?: DurableWrites) {
  let pending = new Map<string, Batch>();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batches = pending;
    pending = new Map();
    for (const batch of batches.values()) void send(batch);
  };

  const send = async ({ concertKeys, durable, calls }: Batch) => {
    const pipeline = redis.pipeline() as unknown as Record<string, (...a: unknown[]) => unknown> & { call: Cluster['call']; exec: Cluster['exec'] };
    for (const call of calls) pipeline[call.command](...concertKeys, ...call.args);
    const wanted = durable && durableWrites ? durableWrites.replicas : 0;
    // Where the client believes the shard has no replica (a promoted one, alone), WAIT only
    // probes (1 ms) instead of holding every write for the full timeout.
    if (wanted > 0) pipeline.call('WAIT', wanted, liveReplicasOf(redis, concertKeys[0]) > 0 ? durableWrites!.timeoutMs : 1);
    try {
      const results = (await pipeline.exec()) ?? [];
      let notConfirmed: unknown;
      if (wanted > 0) {
        const [waitError, acknowledged] = results[calls.length] ?? [new Error('no reply to WAIT')];
        notConfirmed = waitError ?? (await shortfall(concertKeys[0], Number(acknowledged), wanted));
      }
      calls.forEach((call, i) => {
        const [error, reply] = results[i] ?? [new Error('no reply in the pipeline')];
        if (error) call.reject(error);
        else if (notConfirmed) call.reject(notConfirmed);
        else call.resolve(reply as ScriptReply);
      });
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  };

  /**
   * Why `acknowledged` replicas are not enough, or undefined when they are: all that were
   * wanted, or all the shard has by its master's own configuration (a promoted replica alone has
   * none, and refusing every write until an operator restores a replica would close the room).
   */
  const shortfall = async (key: string, acknowledged: number, wanted: number) => {
    if (acknowledged >= wanted) return undefined;
    try {
      const existing = await configuredReplicasOf(redis, key);
      return acknowledged >= Math.min(wanted, existing) ? undefined : new NotReplicatedError(acknowledged, wanted);
    } catch (error) {
      return error;
    }
  };

  return {
    /** Runs `command` (a script defined on the client) on one concert's keys in the next batch. */
    run(command: string, concertKeys: string[], args: (string | number)[], durable: boolean): Promise<ScriptReply> {
      return new Promise((resolve, reject) => {
        const key = durable ? `${concertKeys[0]}\u0000durable` : concertKeys[0];
        let batch = pending.get(key);
        if (!batch) pending.set(key, (batch = { concertKeys, durable, calls: [] }));
        batch.calls.push({ command, args, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
