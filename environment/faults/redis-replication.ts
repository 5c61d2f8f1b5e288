import type { StartedRedisCluster } from '../redis-cluster.ts';
import { FaultRefusal, RESTORE_TIMEOUT_MS, type FaultKind } from './fault-kind.ts';
import type { Sidecars } from './network.ts';

/**
 * A replica that stops confirming its master's writes while staying, for the cluster, a healthy
 * replica: in the replica's network namespace, what it sends to the master's data port (its
 * acknowledgements, REPLCONF ACK) is dropped, and the cluster bus (port + 10000) still flows,
 * so no node marks it failed and the master keeps counting it. A write that waits for a replica
 * (Redis WAIT) then waits in vain: the fault a durable write must not hide, since a healthy
 * replica confirms every write within a millisecond and the write path's wait is never seen.
 */
export function redisReplicationFaults(redis: StartedRedisCluster, sidecars: Sidecars, log: (line: string) => void): FaultKind {
  const silenced = new Map<string, string>(); // replica container id → its name
  const keyOf = (body: unknown): string => {
    const key = (body as { key?: unknown })?.key;
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) throw new FaultRefusal(400, 'body must be {"key": "<redis key>"}');
    return key;
  };
  const lift = async () => {
    const lifting = [...silenced.keys()];
    silenced.clear();
    await Promise.all(lifting.map((id) => sidecars.lift(id)));
    if (lifting.length) await redis.waitUntilHealthy(RESTORE_TIMEOUT_MS);
  };
  return {
    handlers: {
      async silenceReplica(_, body) {
        const owner = await redis.ownerOf(keyOf(body));
        if (owner.failing) throw new FaultRefusal(409, `the master of slot ${owner.slot} (${owner.node.name}) is down`);
        const replica = await redis.replicaOf(owner.nodeId);
        const id = replica.container.getId();
        await sidecars.run(id, [`iptables -A OUTPUT -d ${owner.node.internal.host} -p tcp --dport ${owner.node.internal.port} -j DROP`]);
        silenced.set(id, replica.name);
        log(`infra: replica ${replica.name} of ${owner.node.name} (slot ${owner.slot}) no longer confirms writes`);
        return { slot: owner.slot, nodeId: owner.nodeId, node: owner.node.name, replica: replica.name };
      },
    },
    state: () => ({ redisReplicasSilenced: [...silenced.values()] }),
    restore: lift,
  };
}
