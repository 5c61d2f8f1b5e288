import { once } from 'node:events';
import type { Cluster } from 'ioredis';

type SlowlogEntry = [id: number, unixSeconds: number, micros: number, args: string[]];

/**
 * Makes every master log every command with its execution time (SLOWLOG, threshold 0: Redis's
 * own timing, network excluded), for a short window; returns how to put the settings back.
 */
export async function recordEveryCommand(redis: Cluster, maxEntries = 200_000): Promise<() => Promise<void>> {
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

export type CommandTimes = {
  /** The longest command of any kind, µs, and what it was. */
  longestUs: number | null;
  longest: string;
  /** The concert's promote runs (the script whose arguments are budget, burst seconds and rate window). */
  promote: { runs: number; p50Us: number | null; p99Us: number | null; maxUs: number | null; over5ms: number };
  commands: number;
};

/**
 * What the master holding `concertId` ran between two instants (unix seconds, inclusive), from
 * its slow log: the longest command of any kind, and how long its promote runs took. Reading
 * resets the log, so windows read one after another do not overlap.
 */
export async function commandTimes(redis: Cluster, fromS: number, toS: number, concertId: string): Promise<CommandTimes> {
  let best: CommandTimes = { longestUs: null, longest: '', promote: { runs: 0, p50Us: null, p99Us: null, maxUs: null, over5ms: 0 }, commands: 0 };
  for (const node of redis.nodes('master')) {
    const entries = ((await node.slowlog('GET', -1)) as SlowlogEntry[]).filter(([, at]) => at >= fromS && at <= toS);
    await node.slowlog('RESET');
    if (entries.length === 0 || !entries.some(([, , , args]) => args.some((a) => a.includes(`{${concertId}}`)))) continue;
    const longest = entries.reduce((a, b) => (b[2] > a[2] ? b : a));
    const promotes = entries.filter(([, , , args]) => isPromote(args) && args[3].includes(`{${concertId}}`)).map((e) => e[2]).sort((a, b) => a - b);
    const at = (q: number) => (promotes.length ? promotes[Math.min(promotes.length - 1, Math.floor(q * promotes.length))] : null);
    best = {
      longestUs: longest[2],
      longest: longest[3].slice(0, 1).concat(isPromote(longest[3]) ? ['(promote)'] : longest[3].slice(3, 4)).join(' '),
      promote: { runs: promotes.length, p50Us: at(0.5), p99Us: at(0.99), maxUs: promotes.at(-1) ?? null, over5ms: promotes.filter((us) => us > 5000).length },
      commands: entries.length,
    };
  }
  return best;
}

/** EVALSHA sha 10 <ten keys> budget burst window callId: a promote run (lua/promote.lua's arguments). */
function isPromote(args: string[]): boolean {
  return /^evalsha$/i.test(args[0] ?? '') && args.length === 17 && [13, 14, 15].every((i) => /^\d+$/.test(args[i] ?? ''));
}
