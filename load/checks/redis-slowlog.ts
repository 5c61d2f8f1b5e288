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
  /**
   * The concert's promote runs (the script whose arguments are budget, burst seconds and rate
   * window); for a room spread over shards, every step of its admission batches (lua/admission/,
   * and the cut and take of each shard), on every master.
   */
  promote: { runs: number; p50Us: number | null; p99Us: number | null; maxUs: number | null; over5ms: number };
  commands: number;
};

/**
 * What the masters holding `concertId`'s room (its home slot, and its shards when it has them)
 * ran between two instants (unix seconds, inclusive), from their slow logs: the longest command
 * of any kind, and how long its promote runs took. Reading resets the logs, so windows read one
 * after another do not overlap.
 */
export async function commandTimes(redis: Cluster, fromS: number, toS: number, concertId: string): Promise<CommandTimes> {
  const ofConcert = (key: string | undefined) => key !== undefined && (key.includes(`{${concertId}}`) || key.includes(`{${concertId}~`));
  let longest: SlowlogEntry | undefined;
  const promotes: number[] = [];
  let commands = 0;
  for (const node of redis.nodes('master')) {
    const entries = ((await node.slowlog('GET', -1)) as SlowlogEntry[]).filter(([, at]) => at >= fromS && at <= toS);
    await node.slowlog('RESET');
    if (entries.length === 0 || !entries.some(([, , , args]) => args.some(ofConcert))) continue;
    commands += entries.length;
    for (const entry of entries) if (!longest || entry[2] > longest[2]) longest = entry;
    promotes.push(...entries.filter(([, , , args]) => (isPromote(args) || isAdmissionStep(args)) && ofConcert(args[3])).map((e) => e[2]));
  }
  promotes.sort((a, b) => a - b);
  const at = (q: number) => (promotes.length ? promotes[Math.min(promotes.length - 1, Math.floor(q * promotes.length))] : null);
  return {
    longestUs: longest?.[2] ?? null,
    longest: longest ? longest[3].slice(0, 1).concat(isPromote(longest[3]) || isAdmissionStep(longest[3]) ? ['(promote)'] : longest[3].slice(3, 4)).join(' ').slice(0, 120) : '',
    promote: { runs: promotes.length, p50Us: at(0.5), p99Us: at(0.99), maxUs: promotes.at(-1) ?? null, over5ms: promotes.filter((us) => us > 5000).length },
    commands,
  };
}

/** EVALSHA sha 10 <ten keys> budget burst window callId: a promote run (lua/promote.lua's arguments). */
function isPromote(args: string[]): boolean {
  return /^evalsha$/i.test(args[0] ?? '') && args.length === 17 && [13, 14, 15].every((i) => /^\d+$/.test(args[i] ?? ''));
}

/**
 * A step of a sharded room's admission batch (lua/README.md gives the arguments): a script of
 * lua/admission/ (eleven keys), a shard's cut (seven keys, then version, most, batch, candidates,
 * call id) or take (seven keys, then version, batch, entry ids, call id).
 */
function isAdmissionStep(args: string[]): boolean {
  if (!/^evalsha$/i.test(args[0] ?? '')) return false;
  if (args[2] === '11') return true;
  if (args[2] !== '7') return false;
  const heads = args.length === 15 && [10, 11, 12, 13].every((i) => /^\d+$/.test(args[i] ?? ''));
  const take = /^\d+$/.test(args[10] ?? '') && /^\d+$/.test(args[11] ?? '') && /^\d+-[\w-]+~\d+~\d+~-?\d+$/.test(args[12] ?? '');
  return heads || take;
}
