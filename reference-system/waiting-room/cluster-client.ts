import { Cluster } from 'ioredis';
import type { RedisSettings } from '../shared/config.ts';
import { NotReplicatedError } from './durable-writes.ts';
import { MisattributedReplyError } from './script-batches.ts';

/**
 * A cluster client that fails fast and heals by itself. When a master dies, commands for its
 * slots fail within `commandTimeout` (the HTTP layer answers 503) instead of piling up; once a
 * replica is promoted, the next MOVED or the periodic slots refresh routes them to it, with no
 * restart. The numbers are tuned against test/features: every answer within 2 s during a
 * failover, service back within 5 s of the promotion (features/faults/redis-master-failure).
 */
export function connectCluster(settings: RedisSettings): Cluster {
  return new Cluster(settings.nodes, {
    natMap: settings.natMap,
    // Commands issued in the same event-loop turn go to a node as one write (and come back as
    // one read): fewer syscalls in Node and in Redis under load. It must be set here, on the
    // Cluster: in redisOptions it never reaches the cluster's command path. The queue scripts do
    // not use it: they go in batches of their own that do not wait for each other
    // (script-batches.ts); this covers the rest (hold policy reads, health checks).
    enableAutoPipelining: process.env.REDIS_AUTO_PIPELINING !== 'false',
    scaleReads: 'master',
    // While the client has no usable cluster view, fail at once (503) rather than queue
    // requests with no deadline.
    enableOfflineQueue: false,
    clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
    // A closed connection or CLUSTERDOWN means a failover is under way: retry every 100 ms
    // (bounded by commandTimeout) and refresh the slot map, so the promoted replica is found.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 1000,
    // Learn promotions, and which replicas are alive (durable writes wait only for live ones),
    // within a second even when no command ran into a MOVED.
    slotsRefreshInterval: 1000,
    redisOptions: {
      connectTimeout: 1000,
      // One deadline per command across all its retries and redirections: with HTTP around it,
      // a request is answered within 2 s however the cluster behaves.
      commandTimeout: 1200,
      maxRetriesPerRequest: 2,
    },
  });
}

/**
 * ioredis' and Redis' own words for "not answering right now": connections closing or timing
 * out, a cluster between masters (CLUSTERDOWN, MOVED to a dead node, TRYAGAIN), a node loading
 * or read-only after a role change. Anything else (a script error, a bad argument) is a bug: 500.
 */
const UNAVAILABLE =
  /CLUSTERDOWN|TRYAGAIN|Connection is closed|Command timed out|Command aborted due to connection close|Stream isn't writeable|Node is disconnected|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Failed to refresh slots|None of startup nodes|MaxRetriesPerRequest|Too many Cluster redirections|LOADING|MASTERDOWN|READONLY|Cluster isn't ready|Cluster is (ended|disconnected|disconnecting)|NOREPLICAS|^MOVED |^ASK /i;

/** True for errors that mean "Redis is not answering right now", not "the request is wrong". */
export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof NotReplicatedError || error instanceof MisattributedReplyError) return true;
  const message = error instanceof Error ? error.message : String(error);
  return UNAVAILABLE.test(message);
}
