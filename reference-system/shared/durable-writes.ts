import type { Cluster } from 'ioredis';
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
 * Replicas serving a key's slot, from the client's last CLUSTER SLOTS (which leaves out failed
 * nodes; shared/redis.ts refreshes it every second). No Redis round trip, but only a hint: the
 * view can be a second old, or incomplete just after start-up (seen by npm run
 * measure:failover-loss), so it never decides on its own that a write needs no replica.
 */
export function liveReplicasOf(redis: Cluster, key: string): number {
  const nodes = redis.slots[calculateSlot(key)];
  return nodes ? Math.max(0, nodes.length - 1) : 0;
}

/**
 * Replicas of the shard that owns `key`, as its master's own cluster configuration has them
 * (CLUSTER NODES on that master): not failed, whether or not their replication link is up. A
 * master that lost its link to a live replica still counts it (its writes must not be
 * acknowledged, or a crash now would lose them); a promoted replica whose old master is down
 * has none. Asked only when a WAIT came back short.
 */
export async function configuredReplicasOf(redis: Cluster, key: string): Promise<number> {
  const owner = redis.slots[calculateSlot(key)]?.[0];
  const master = redis.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === owner);
  if (!master) throw new NotReplicatedError(0, 1);
  return countReplicas(String(await master.call('CLUSTER', 'NODES')));
}

/** Replicas of `myself` in CLUSTER NODES text that are not failed or addressless. */
export function countReplicas(clusterNodes: string): number {
  const lines = clusterNodes.split('\n').map((line) => line.trim().split(' '));
  const me = lines.find((fields) => fields[2]?.split(',').includes('myself'));
  if (!me) return 0;
  return lines.filter((f) => f[3] === me[0] && f[2].split(',').some((flag) => flag === 'slave' || flag === 'replica') && !/fail|noaddr/.test(f[2])).length;
}
