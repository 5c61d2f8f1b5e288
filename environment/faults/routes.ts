/**
 * The fault-injection API, in one table: the runner's server (environment/faults/server.ts)
 * serves exactly these routes, and the suite's driver (support/driver/routes.ts,
 * support/driver/infrastructure.ts) builds its calls from them. A path names its parameters
 * as `{name}`. Every call carries the run's bearer token; bodies and answers are JSON.
 */
export type FaultRoute = { method: 'GET' | 'POST'; path: string; does: string };

export const faultRoutes = {
  state: { method: 'GET', path: '/state', does: 'what is down right now: queue instances, Redis nodes' },
  killQueueServer: { method: 'POST', path: '/queue-instances/{instance}/kill', does: 'SIGKILL queue instance n (1-based)' },
  startQueueServer: { method: 'POST', path: '/queue-instances/{instance}/start', does: 'start it again on its port, wait until ready' },
  redisOwner: { method: 'POST', path: '/redis/owner', does: "{key}: the master serving the key's slot" },
  killRedisOwner: { method: 'POST', path: '/redis/kill-owner', does: '{key}: docker kill that master' },
  silenceReplica: {
    method: 'POST',
    path: '/redis/silence-replica',
    does: "{key}: the replica of the key's master stops confirming writes (what it sends to the master's data port is dropped; the cluster bus still flows)",
  },
  restoreRedis: { method: 'POST', path: '/redis/restore', does: 'docker start killed nodes, wait until the cluster is whole' },
  cutRedisReplication: {
    method: 'POST',
    path: '/redis/cut-replication',
    does: "{key}: the replica of the key's master cut off from it (the master drops it, its reconnects fail)",
  },
  stallPromoters: { method: 'POST', path: '/promoters/stall', does: "{concertId}: every queue instance's promoter stops tending that concert" },
  loneShardKey: {
    method: 'POST',
    path: '/rooms/{concertId}/lone-shard-key',
    does: "{userIds?}: {key} of a sharded room's shard whose master holds no other part of the room (the one most of those fans waited on)",
  },
  shardClockAhead: {
    method: 'POST',
    path: '/rooms/{concertId}/clock-ahead',
    does: "{userId, seconds}: the shard a fan waits on stamps arrivals as if its master's clock ran that far ahead",
  },
  stallAdmission: {
    method: 'POST',
    path: '/rooms/{concertId}/stall-admission',
    does: '{leaseMs}: resume admission and, as a promoter that dies midway, begin a batch, take its fans off one shard only, stop',
  },
  restartPostgres: { method: 'POST', path: '/postgres/restart', does: 'pg_ctl stop -m fast, start the container again, wait until it answers' },
  faultNetwork: {
    method: 'POST',
    path: '/network/{service}/fault',
    does: '{peer, lossPercent | cut | bitsPerSecond}: a fault on the links from a service container to a peer',
  },
  restoreNetwork: { method: 'POST', path: '/network/restore', does: 'every network fault lifted' },
  restoreAll: { method: 'POST', path: '/restore', does: 'every fault undone; every service ready' },
} as const satisfies Record<string, FaultRoute>;

export type FaultRouteName = keyof typeof faultRoutes;

/** A route's method and its path with the parameters filled in. */
export function faultCall(name: FaultRouteName, params: Record<string, string | number> = {}): readonly [FaultRoute['method'], string] {
  const { method, path } = faultRoutes[name];
  const filled = path.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (!(key in params)) throw new Error(`the fault route ${name} needs ${key}`);
    return encodeURIComponent(String(params[key]));
  });
  return [method, filled];
}

/** The route a path is for, with its parameters; undefined when no route has that path. */
export function matchFaultRoute(pathname: string): { name: FaultRouteName; params: Record<string, string> } | undefined {
  for (const [name, route] of Object.entries(faultRoutes) as [FaultRouteName, FaultRoute][]) {
    const keys: string[] = [];
    const pattern = new RegExp(`^${route.path.replace(/\{(\w+)\}/g, (_, key: string) => (keys.push(key), '([^/]+)'))}$`);
    const match = pattern.exec(pathname);
    if (match) return { name, params: Object.fromEntries(keys.map((key, i) => [key, decodeURIComponent(match[i + 1])])) };
  }
  return undefined;
}
