import { once } from 'node:events';
import type { Cluster } from 'ioredis';

type SlowlogEntry = [id: number, unixSeconds: number, micros: number, args: string[]];

/**
 * Makes every master log every command with its execution time (SLOWLOG, threshold 0: Redis's
 * own timing, network excluded), for a short window; returns how to put the settings back.
 */
export async function recordEveryCommand(redis: Cluster, maxEntries = 500_000): Promise<() => Promise<void>> {
  if (redis.status !== 'ready') await once(redis, 'ready');
  const masters = redis.nodes('master');
  const saved = await Promise.all(
    masters.map(async (node) => {
      const [, threshold] = (await node.config('GET', 'slowlog-log-slower-than')) as string[];
      const [, length] = (await node.config('GET', 'slowlog-max-len')) as string[];
      return { node, threshold, length };
    }),
  );
  for (const { node } of saved) {
    await node.config('SET', 'slowlog-max-len', String(maxEntries));
    await node.slowlog('RESET');
    await node.config('SET', 'slowlog-log-slower-than', '0');
  }
  let restored = false;
  return async () => {
    if (restored) return;
    restored = true;
    for (const { node, threshold, length } of saved) {
      await node.config('SET', 'slowlog-log-slower-than', threshold);
      await node.config('SET', 'slowlog-max-len', length);
    }
  };
}

/**
 * The longest commands the master holding `concertId` ran between two instants (unix seconds,
 * inclusive), from its slow log: the longest of any kind, and the longest promote run (the
 * script whose arguments are budget, burst seconds and rate window, all numbers).
 */
export async function longestCommands(redis: Cluster, fromS: number, toS: number, concertId?: string) {
  let best = { longestUs: null as number | null, longest: '', longestPromoteUs: null as number | null, promoteRuns: 0, commands: 0 };
  for (const node of redis.nodes('master')) {
    const entries = ((await node.slowlog('GET', -1)) as SlowlogEntry[]).filter(([, at]) => at >= fromS && at <= toS);
    const concerned = concertId === undefined || entries.some(([, , , args]) => args.some((a) => a.includes(`{${concertId}}`)));
    if (!concerned || entries.length === 0) continue;
    const longest = entries.reduce((a, b) => (b[2] > a[2] ? b : a));
    const promotes = entries.filter(([, , , args]) => isPromote(args));
    const here = {
      longestUs: longest[2],
      longest: longest[3].slice(0, 1).concat(isPromote(longest[3]) ? ['(promote)'] : longest[3].slice(3, 4)).join(' '),
      longestPromoteUs: promotes.length ? Math.max(...promotes.map((e) => e[2])) : null,
      promoteRuns: promotes.length,
      commands: entries.length,
    };
    if (best.longestUs === null || (here.longestUs ?? 0) > best.longestUs) best = here;
  }
  return best;
}

/** EVALSHA sha 10 <ten keys> budget burst window callId: a promote run (lua/promote.lua's arguments). */
function isPromote(args: string[]): boolean {
  return /^evalsha$/i.test(args[0] ?? '') && args.length === 17 && [13, 14, 15].every((i) => /^\d+$/.test(args[i] ?? ''));
}
