import { Cluster } from 'ioredis';
import type { RedisSettings } from './config.ts';

/**
 * A cluster client that fails fast: while a master is down, commands for its slots error out
 * quickly (the HTTP layer answers 503) instead of piling up in an offline queue.
 */
export function connectCluster(settings: RedisSettings): Cluster {
  return new Cluster(settings.nodes, {
    natMap: settings.natMap,
    // Commands issued in the same event-loop turn go to a node as one write (and come back as
    // one read): fewer syscalls in Node and in Redis under load. It must be set here, on the
    // Cluster: in redisOptions it never reaches the cluster's command path.
    enableAutoPipelining: process.env.REDIS_AUTO_PIPELINING !== 'false',
    scaleReads: 'master',
    enableOfflineQueue: true,
    clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 1000,
    redisOptions: {
      connectTimeout: 1000,
      commandTimeout: 1500,
      maxRetriesPerRequest: 2,
    },
  });
}

/** True for errors that mean "Redis is not answering right now", not "the request is wrong". */
export function isRedisUnavailable(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /CLUSTERDOWN|TRYAGAIN|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Failed to refresh slots|None of startup nodes|MaxRetriesPerRequest|Too many Cluster redirections|LOADING|MASTERDOWN|READONLY/i.test(
    message,
  );
}
