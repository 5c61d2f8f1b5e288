import { once } from 'node:events';
import type { Cluster } from 'ioredis';

export type CommandStats = Record<string, { calls: number; usec: number }>;

/**
 * Redis's own account of the time it spent per command (INFO commandstats), summed over the
 * masters: what a script costs inside Redis, whatever else runs on the machine. Commands a
 * script calls are counted too, and their time is part of the script's.
 */
export async function resetCommandStats(redis: Cluster): Promise<void> {
  await ready(redis);
  await Promise.all(redis.nodes('master').map((node) => node.config('RESETSTAT')));
}

export async function readCommandStats(redis: Cluster): Promise<CommandStats> {
  await ready(redis);
  const stats: CommandStats = {};
  for (const node of redis.nodes('master')) {
    const info = await node.info('commandstats');
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
      const s = (stats[match[1]] ??= { calls: 0, usec: 0 });
      s.calls += Number(match[2]);
      s.usec += Number(match[3]);
    }
  }
  return stats;
}

/** µs Redis spent per call of a command (e.g. evalsha), or null when it was not called. */
export function microsPerCall(stats: CommandStats, command: string): number | null {
  const s = stats[command];
  return s && s.calls ? Math.round((s.usec / s.calls) * 100) / 100 : null;
}

/** The cluster's node list is only complete once it is ready (slots known). */
async function ready(redis: Cluster): Promise<void> {
  if (redis.status !== 'ready') await once(redis, 'ready');
}
