import type { ChainableCommander, Cluster } from 'ioredis';
import calculateSlot from 'cluster-key-slot';
import { ConfigError, envInt } from './config.ts';

/**
 * Redis replicates asynchronously: a master can acknowledge a write and die before any replica
 * has it, and the replica promoted in its place never heard of it. With durable writes on, an
 * operation a user is told succeeded is first acknowledged by `replicas` replicas (Redis WAIT),
 * so a single master failure cannot lose it. A write no replica confirmed in time is answered
 * 503 (the user retries; every such operation is idempotent).
 *
 * A shard that has no live replica (its replica died, or it is the replica just promoted after
 * its master died) cannot confirm anything: there writes are acknowledged without waiting, or
 * the waiting room would stay down until an operator brought a replica back. So the promise is
 * "a single failure loses nothing", not "any number of failures". See README.md, Guarantees.
 */
export type DurableWrites = { replicas: number; timeoutMs: number };

/** QUEUE_DURABLE_WRITES=1 turns it on; QUEUE_DURABLE_REPLICAS (1), QUEUE_DURABLE_TIMEOUT_MS (250). */
export function durableWritesFromEnv(): DurableWrites | undefined {
  const flag = process.env.QUEUE_DURABLE_WRITES ?? '0';
  if (flag !== '0' && flag !== '1') throw new ConfigError(`QUEUE_DURABLE_WRITES must be 0 or 1, got "${flag}"`);
  if (flag === '0') return undefined;
  const settings = { replicas: envInt('QUEUE_DURABLE_REPLICAS', 1), timeoutMs: envInt('QUEUE_DURABLE_TIMEOUT_MS', 250) };
  if (settings.replicas < 1) throw new ConfigError('QUEUE_DURABLE_REPLICAS must be at least 1');
  if (settings.timeoutMs < 1) throw new ConfigError('QUEUE_DURABLE_TIMEOUT_MS must be at least 1');
  return settings;
}

/** The write happened on the master but too few replicas confirmed it: answered 503. */
export class NotReplicatedError extends Error {
  constructor(acknowledged: number, wanted: number) {
    super(`NOT_REPLICATED: ${acknowledged} of ${wanted} replica(s) confirmed the write in time`);
    this.name = 'NotReplicatedError';
  }
}

/**
 * Runs a pipeline whose only keyed command is the write, followed by WAIT. ioredis sends a
 * cluster pipeline to the node that owns the write's slot, on that node's one connection, so
 * WAIT (which has no key, and counts the writes of its own connection) covers exactly this
 * write. Had the two been sent separately, a failover in between would send WAIT to the new
 * master, which would confirm a write it never saw. Resolves with the write's reply.
 */
export async function execDurably<T>(redis: Cluster, key: string, pipeline: ChainableCommander, durability: DurableWrites): Promise<T> {
  const wanted = Math.min(durability.replicas, liveReplicasOf(redis, key));
  if (wanted === 0) {
    const [[error, reply]] = (await pipeline.exec()) ?? [[new Error('empty pipeline')]];
    if (error) throw error;
    return reply as T;
  }
  pipeline.call('WAIT', wanted, durability.timeoutMs);
  const results = (await pipeline.exec()) ?? [];
  const [writeError, reply] = results[0] ?? [new Error('empty pipeline')];
  if (writeError) throw writeError;
  const [waitError, acknowledged] = results[results.length - 1];
  if (waitError) throw waitError;
  if (Number(acknowledged) < wanted) throw new NotReplicatedError(Number(acknowledged), wanted);
  return reply as T;
}

/**
 * Replicas serving a key's slot, from the client's last CLUSTER SLOTS (which leaves out failed
 * nodes; shared/redis.ts refreshes it every second). No Redis round trip.
 */
export function liveReplicasOf(redis: Cluster, key: string): number {
  const nodes = redis.slots[calculateSlot(key)];
  return nodes ? Math.max(0, nodes.length - 1) : 0;
}
