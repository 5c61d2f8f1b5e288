import { Redis, type Cluster } from 'ioredis';
import calculateSlot from 'cluster-key-slot';
import { ConfigError, envInt } from '../shared/config.ts';
import { runEvery } from '../shared/run-every.ts';

/**
 * Redis replicates asynchronously: a master can acknowledge a write and die before any replica
 * has it, and the replica promoted in its place never heard of it. With durable writes on, an
 * operation a user is told succeeded is first acknowledged by `replicas` replicas (Redis WAIT),
 * so a single master failure cannot lose it. A write no replica confirmed within `timeoutMs`
 * is answered 503 (the user retries; every such operation is idempotent).
 *
 * A shard that has no replica in its master's configuration (its replica failed, or it is the
 * replica just promoted after its master died) cannot confirm anything: there writes are
 * acknowledged without waiting, or the waiting room would stay down until an operator brought
 * a replica back. So the promise is "a single failure loses nothing", not "any number of
 * failures". See docs/guarantees.md.
 */
export type DurableWrites = { replicas: number; timeoutMs: number };

/** QUEUE_DURABLE_WRITES=1 turns it on; QUEUE_DURABLE_REPLICAS (1), QUEUE_DURABLE_TIMEOUT_MS (1000). */
export function durableWritesFromEnv(): DurableWrites | undefined {
  const flag = process.env.QUEUE_DURABLE_WRITES ?? '0';
  if (flag !== '0' && flag !== '1') throw new ConfigError(`QUEUE_DURABLE_WRITES must be 0 or 1, got "${flag}"`);
  if (flag === '0') return undefined;
  const settings = { replicas: envInt('QUEUE_DURABLE_REPLICAS', 1), timeoutMs: envInt('QUEUE_DURABLE_TIMEOUT_MS', 1000) };
  if (settings.replicas < 1) throw new ConfigError('QUEUE_DURABLE_REPLICAS must be at least 1');
  // The queue answers every request within 1.5 s (queue-app.ts): a longer wait would never be seen.
  if (settings.timeoutMs < 1 || settings.timeoutMs > 1200) throw new ConfigError('QUEUE_DURABLE_TIMEOUT_MS must be 1-1200');
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
 * How many replicas each shard has, by its master's own cluster configuration (CLUSTER NODES on
 * that master): replicas that are not failed, whether or not their replication link is up. A
 * master that lost its link to a live replica still counts it (its writes must not be
 * acknowledged, or a crash now would lose them); a promoted replica whose old master is down
 * has none.
 *
 * Why not the client's slot map (CLUSTER SLOTS): Redis leaves a replica out of CLUSTER SLOTS
 * until gossip has carried a non-zero replication offset for it, which on a fresh cluster is
 * only after the first writes. Right after start-up every shard looked replica-less there, so
 * WAIT only probed for 1 ms and a burst of 1,000 enters got 503 NOT_REPLICATED for whole
 * batches (measured: 219 and 328 of 1,000 in two of four runs).
 *
 * Each master is asked every `refreshMs` in the background (three cheap commands a second), and
 * again whenever a WAIT comes back short, so a failover is seen at once. It is asked on a
 * connection of its own, never on the cluster client's: ioredis writes a command sent straight
 * to a node ahead of pipelines waiting in that node's offline queue while it reconnects, and the
 * replies then go to the wrong commands (seen in features/faults/redis-master-failure: an enter
 * answered with a WAIT's integer, a status with CLUSTER NODES text).
 */
export function createReplicaView(
  redis: Cluster,
  options: { refreshMs?: number; clusterNodesOf?: (address: string) => Promise<unknown> } = {},
) {
  const byMaster = new Map<string, number>();
  const clients = new Map<string, Redis>();
  const clientOf = (address: string) => {
    let client = clients.get(address);
    if (!client) {
      const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
      client = new Redis({ ...redis.options.redisOptions, host, port, enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: false });
      client.on('error', () => undefined); // a dead master: its count is asked again once it is back, or of its successor
      clients.set(address, client);
    }
    return client;
  };
  const clusterNodesOf = options.clusterNodesOf ?? ((address: string) => clientOf(address).call('CLUSTER', 'NODES'));
  const ask = async (address: string) => {
    const count = countReplicas(String(await clusterNodesOf(address)));
    byMaster.set(address, count);
    return count;
  };
  const refreshAll = () => Promise.allSettled(redis.nodes('master').map((node) => ask(nodeKey(node))));
  const background = runEvery(options.refreshMs ?? 1000, refreshAll, () => undefined);
  const ownerOf = (key: string) => redis.slots[calculateSlot(key)]?.[0];

  return {
    /** Replicas of the shard that owns `key`; undefined until its master has answered. */
    known(key: string): number | undefined {
      const owner = ownerOf(key);
      return owner === undefined ? undefined : byMaster.get(owner);
    },
    /** Asks the master that owns `key` now. */
    async fresh(key: string): Promise<number> {
      const owner = ownerOf(key);
      if (owner === undefined) throw new NotReplicatedError(0, 1);
      return ask(owner);
    },
    /** True once every master that serves a slot has told its replica count. */
    async loaded(): Promise<boolean> {
      if (byMaster.size === 0) await refreshAll();
      const owners = new Set(redis.slots.map((nodes) => nodes?.[0]).filter(Boolean));
      return owners.size > 0 && [...owners].every((owner) => byMaster.has(owner));
    },
    stop() {
      background.stop();
      for (const client of clients.values()) client.disconnect();
    },
  };
}

export type ReplicaView = ReturnType<typeof createReplicaView>;

const nodeKey = (node: { options: { host?: string; port?: number } }) => `${node.options.host}:${node.options.port}`;

/** Replicas of `myself` in CLUSTER NODES text that are not failed or addressless. */
export function countReplicas(clusterNodes: string): number {
  const lines = clusterNodes.split('\n').map((line) => line.trim().split(' '));
  const me = lines.find((fields) => fields[2]?.split(',').includes('myself'));
  if (!me) return 0;
  return lines.filter((f) => f[3] === me[0] && f[2].split(',').some((flag) => flag === 'slave' || flag === 'replica') && !/fail|noaddr/.test(f[2])).length;
}
