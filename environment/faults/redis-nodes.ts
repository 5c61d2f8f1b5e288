import type { RedisNode, StartedRedisCluster } from '../redis-cluster.ts';
import { FaultRefusal, RESTORE_TIMEOUT_MS, type FaultKind } from './fault-kind.ts';

/** What a replica presents to its master while it is cut off: no password the master takes. */
const WRONG_MASTERAUTH = 'not-the-password';

/**
 * A Redis master killed (`docker kill`) while its replica takes over, and the killed nodes
 * started again: the failover a concert's waiting room must survive. A scenario names the
 * master by a key of the concert (every key carries its hash tag). Also the replication link
 * of that master cut, as `npm run measure:failover-loss` does (scripts/failover-loss.ts): the
 * master drops its replica and the replica's reconnects fail authentication, so the master goes
 * on alone while both stay up; restoring lets the replica in again before the cluster is waited on.
 */
export function redisNodeFaults(redis: StartedRedisCluster, log: (line: string) => void): FaultKind {
  const cutOff = new Set<RedisNode>();
  const onNode = async (node: RedisNode, command: string[]) => {
    const client = redis.connectNode(node);
    try {
      await client.connect();
      return await client.call(command[0], ...command.slice(1));
    } finally {
      client.disconnect();
    }
  };
  const letReplicasBackIn = async () => {
    for (const node of [...cutOff]) {
      // A replica promoted since is a master now; either way it takes no wrong password any more.
      await onNode(node, ['CONFIG', 'SET', 'masterauth', '']);
      cutOff.delete(node);
    }
  };
  const keyOf = (body: unknown): string => {
    const key = (body as { key?: unknown })?.key;
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) throw new FaultRefusal(400, 'body must be {"key": "<redis key>"}');
    return key;
  };
  return {
    handlers: {
      async redisOwner(_, body) {
        const owner = await redis.ownerOf(keyOf(body));
        return { slot: owner.slot, nodeId: owner.nodeId, node: owner.node.name, failing: owner.failing };
      },
      async killRedisOwner(_, body) {
        const owner = await redis.ownerOf(keyOf(body));
        if (owner.failing) throw new FaultRefusal(409, `the master of slot ${owner.slot} (${owner.node.name}) is already down`);
        await redis.kill(owner.node);
        log(`infra: killed Redis master ${owner.node.name} (slot ${owner.slot})`);
        return { slot: owner.slot, nodeId: owner.nodeId, node: owner.node.name };
      },
      async cutRedisReplication(_, body) {
        const owner = await redis.ownerOf(keyOf(body));
        if (owner.failing) throw new FaultRefusal(409, `the master of slot ${owner.slot} (${owner.node.name}) is down`);
        const replica = await redis.replicaOf(owner.nodeId);
        await onNode(replica, ['CONFIG', 'SET', 'masterauth', WRONG_MASTERAUTH]);
        cutOff.add(replica);
        await onNode(owner.node, ['CLIENT', 'KILL', 'TYPE', 'replica']);
        log(`infra: cut ${replica.name} off from its master ${owner.node.name} (slot ${owner.slot})`);
        return { slot: owner.slot, nodeId: owner.nodeId, node: owner.node.name, replica: replica.name };
      },
      async restoreRedis() {
        const started = Date.now();
        await letReplicasBackIn();
        await redis.restore(RESTORE_TIMEOUT_MS);
        return { healthyAfterMs: Date.now() - started };
      },
    },
    state: () => ({ redisNodesDown: redis.killedNodes().map((n) => n.name), redisReplicasCutOff: [...cutOff].map((n) => n.name) }),
    async restore() {
      await letReplicasBackIn();
      await redis.restore(RESTORE_TIMEOUT_MS);
    },
  };
}
