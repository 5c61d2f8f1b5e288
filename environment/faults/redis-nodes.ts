import type { StartedRedisCluster } from '../redis-cluster.ts';
import { FaultRefusal, RESTORE_TIMEOUT_MS, type FaultKind } from './fault-kind.ts';

/**
 * A Redis master killed (`docker kill`) while its replica takes over, and the killed nodes
 * started again: the failover a concert's waiting room must survive. A scenario names the
 * master by a key of the concert (every key carries its hash tag).
 */
export function redisNodeFaults(redis: StartedRedisCluster, log: (line: string) => void): FaultKind {
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
      async restoreRedis() {
        const started = Date.now();
        await redis.restore(RESTORE_TIMEOUT_MS);
        return { healthyAfterMs: Date.now() - started };
      },
    },
    state: () => ({ redisNodesDown: redis.killedNodes().map((n) => n.name) }),
    restore: () => redis.restore(RESTORE_TIMEOUT_MS),
  };
}
