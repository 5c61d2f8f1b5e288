/**
 * A shard's output: what one `npx cucumber-js --shard i/n` leaves for `npm run report:merge`.
 * It is a folder, reports/shards/<i>-of-<n>/, holding
 *   run.json          the shard's run metadata, with `shard: { index, total }` (written last)
 *   messages.ndjson   cucumber's whole message stream of the shard
 *   json/cucumber.json cucumber JSON of the shard's scenarios
 *   logs/             its service and container logs (managed runs)
 * and nothing else: no results.json, history entry, summary or gate verdict. Those belong to
 * the whole run, which only the merge of every shard is.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Envelope } from '@cucumber/messages';
import { shardLabel, type DealtShard, type Shard } from '../../environment/cucumber-shard.ts';
import { readRunMetadata, type RunMetadata } from '../../environment/run-metadata.ts';
import { readEnvelopes } from './scenario-results.ts';

export type ShardOutput = {
  dir: string;
  meta: RunMetadata & { shard: DealtShard };
  envelopes: Envelope[];
  /** Parsed cucumber JSON: an array of features. */
  cucumberJson: unknown[];
};

/** Where shard i of n writes its output under a reports folder. */
export function shardDir(reportsDir: string, shard: Shard): string {
  return path.join(reportsDir, 'shards', `${shard.index}-of-${shard.total}`);
}

/**
 * Writes one shard's output, replacing an earlier run of the same shard. The logs folder is
 * moved in (the next run clears it anyway). run.json goes last: a folder without it is not a
 * shard output.
 */
export function writeShardOutput(
  reportsDir: string,
  output: { meta: RunMetadata & { shard: DealtShard }; envelopes: readonly Envelope[]; cucumberJson: string; logsDir?: string },
): string {
  const dir = shardDir(reportsDir, output.meta.shard);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'json'), { recursive: true });
  writeFileSync(path.join(dir, 'messages.ndjson'), output.envelopes.map((envelope) => `${JSON.stringify(envelope)}\n`).join(''));
  writeFileSync(path.join(dir, 'json', 'cucumber.json'), output.cucumberJson);
  if (output.logsDir && existsSync(output.logsDir)) renameSync(output.logsDir, path.join(dir, 'logs'));
  writeShardMetadata(dir, output.meta);
  return dir;
}

export function writeShardMetadata(dir: string, meta: RunMetadata): void {
  writeFileSync(path.join(dir, 'run.json'), JSON.stringify(meta, null, 2));
}

/** Reads a shard's output folder; anything that is not one is an error saying what is wrong. */
export function readShardOutput(dir: string): ShardOutput {
  if (!existsSync(dir)) throw new Error(`${dir} does not exist (no shard output there)`);
  const meta = readRunMetadata(path.join(dir, 'run.json'));
  if (!meta) throw new Error(`${dir} is not a shard's output: it has no run.json (did the shard finish?)`);
  if (!meta.shard) {
    throw new Error(`${dir} is not a shard's output: its run.json has no "shard" (a run without --shard is whole already; see it with npm run report -- --reports ${dir})`);
  }
  const messages = path.join(dir, 'messages.ndjson');
  const json = path.join(dir, 'json', 'cucumber.json');
  for (const file of [messages, json]) if (!existsSync(file)) throw new Error(`shard ${shardLabel(meta.shard)} in ${dir} has no ${path.relative(dir, file)}`);
  const envelopes = readEnvelopes(messages);
  if (!envelopes.some((e) => e.testRunFinished)) throw new Error(`shard ${shardLabel(meta.shard)} in ${dir}: its messages.ndjson ends before the run finished`);
  return { dir, meta: meta as ShardOutput['meta'], envelopes, cucumberJson: JSON.parse(readFileSync(json, 'utf8') || '[]') as unknown[] };
}

/** Copies a shard's logs into a merged run's reports, as logs/shard-<i>-of-<n>/. */
export function copyShardLogs(output: ShardOutput, reportsDir: string): void {
  const from = path.join(output.dir, 'logs');
  if (existsSync(from)) cpSync(from, path.join(reportsDir, 'logs', `shard-${output.meta.shard.index}-of-${output.meta.shard.total}`), { recursive: true });
}

/** A report command pointed at one shard's reports refuses: one shard is not the run. */
export function refuseOneShard(meta: RunMetadata | undefined, reportsDir: string): void {
  if (!meta?.shard) return;
  throw new Error(
    `${reportsDir} holds shard ${shardLabel(meta.shard)} of a sharded run, not a whole run: ` +
      `merge every shard's output first (npm run report:merge ${path.join(path.relative(process.cwd(), reportsDir) || '.', 'shards')}/*)`,
  );
}
