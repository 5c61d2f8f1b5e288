/**
 * Which shard of the suite this cucumber process runs (`--shard 2/3`), read as cucumber reads
 * it: from the command line and the configuration file's profiles. Cucumber deals the scenarios
 * left after --tags, --name and paths round-robin: shard i of n runs those at positions
 * i, i+n, i+2n... It does not check the index, so `--shard 4/3` would run nothing: here it is an
 * error. How many scenarios the shard is dealt is counted here, before it runs: a shard whose
 * run stopped before them (its environment did not start) must not pass for a smaller shard.
 */
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { loadConfiguration, loadSources } from '@cucumber/cucumber/api';

export type Shard = { index: number; total: number };

/** A shard as its run resolved it: also how many scenarios it is dealt, of how many the (filtered) suite has. */
export type DealtShard = Shard & { dealt: number; suite: number };

/** `2/3` → { index: 2, total: 3 }; an empty option → undefined; anything else throws. */
export function parseShard(option: string | undefined): Shard | undefined {
  if (!option) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(option.trim());
  const [index, total] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(total >= 1 && index >= 1 && index <= total)) {
    throw new Error(`--shard ${option}: expected INDEX/TOTAL with 1 ≤ INDEX ≤ TOTAL, e.g. --shard 2/3`);
  }
  return { index, total };
}

export const shardLabel = (shard: Shard) => `${shard.index}/${shard.total}`;

/** The cucumber arguments without --shard: what every shard of one run must share. */
export function withoutShard(args: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--shard') i++;
    else if (!args[i].startsWith('--shard=')) kept.push(args[i]);
  }
  return kept;
}

// @cucumber/cucumber 13.3 exports its argument parser from the CommonJS side only.
const { ArgvParser } = createRequire(import.meta.url)('@cucumber/cucumber/lib/configuration/index') as {
  ArgvParser: { parse(argv: string[]): { options: { config?: string; profile: string[] }; configuration: object } };
};

/** The shard this process runs, from `argv` (a `node cucumber-js …` command line) as cucumber resolves it. */
export async function shardOfThisRun(argv: string[] = process.argv, cwd = process.cwd()): Promise<DealtShard | undefined> {
  const { options, configuration } = ArgvParser.parse(argv);
  // Cucumber already printed its own warnings about this configuration.
  const environment = { cwd, env: process.env, stderr: new Writable({ write: (_chunk, _encoding, done) => done() }) };
  const { useConfiguration, runConfiguration } = await loadConfiguration(
    { file: options.config, profiles: options.profile, provided: configuration },
    environment,
  );
  const shard = parseShard(useConfiguration.shard);
  if (!shard) return undefined;
  // The scenarios left after --tags, --name and paths: loadSources filters, it does not shard.
  const { plan } = await loadSources(runConfiguration.sources, environment);
  return { ...shard, suite: plan.length, dealt: dealtTo(shard, plan.length) };
}

/** How many of `suite` scenarios, dealt round-robin, shard i of n gets. */
export function dealtTo(shard: Shard, suite: number): number {
  return Math.max(0, Math.ceil((suite - (shard.index - 1)) / shard.total));
}
