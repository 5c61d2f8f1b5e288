import { Cluster } from 'ioredis';

/**
 * A Redis Cluster client from E2E_REDIS_NODES ("host:port,…") and E2E_REDIS_NAT_MAP (JSON,
 * announced → reachable address), for reading the queue's state after a run.
 */
export function connectRedis(nodes: string, natMap: string): Cluster {
  const seeds = nodes.split(',').filter(Boolean).map(hostPort);
  const nat = natMap ? Object.fromEntries(Object.entries(JSON.parse(natMap) as Record<string, string>).map(([k, v]) => [k, hostPort(v)])) : {};
  return new Cluster(seeds, { natMap: nat, scaleReads: 'master', redisOptions: { connectTimeout: 2000, commandTimeout: 30_000 } });
}

function hostPort(value: string) {
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at), port: Number(value.slice(at + 1)) };
}
