/**
 * The whole run of a sharded suite, from its shards' outputs: checks they make one run
 * (shard-set.ts, merge-envelopes.ts), then writes into a reports folder what an unsharded run
 * writes — messages.ndjson, junit.xml, json/cucumber.json, run.json, logs/ (each shard's under
 * logs/shard-<i>-of-<n>/) — and renders results.json, history/, summary.md, html/ and the gate's
 * verdict with the very code an unsharded run's report formatter calls (render-reports.ts).
 *
 * The merged run.json lists each shard (run-metadata.ts, ShardRecord): the summary, the report
 * and the gate's reasons name the shard of each failing scenario. Its wall time is the longest
 * shard's (what one waits for shards run side by side); the summary also gives their sum.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Envelope } from '@cucumber/messages';
import { JUnitXmlPrinter, type Options as JUnitOptions } from '@cucumber/junit-xml-formatter';
import { shardLabel, withoutShard } from '../../environment/cucumber-shard.ts';
import type { RunMetadata } from '../../environment/run-metadata.ts';
import { mergeEnvelopes } from './merge-envelopes.ts';
import { renderReports, type RenderedReports } from './render-reports.ts';
import { scenarioResults } from './scenario-results.ts';
import { checkShardSet, ShardSetError } from './shard-set.ts';
import { copyShardLogs, readShardOutput, type ShardOutput } from './shard-output.ts';

export type MergedRun = RenderedReports & {
  shards: ShardOutput[];
  /** The merged run.json. */
  meta: RunMetadata;
  /** Secrets a shard found in its own outputs (what and where): each fails the merged run. */
  leaks: string[];
};

export async function mergeShards(shardDirs: readonly string[], reportsDir: string, options: { baseline?: string } = {}): Promise<MergedRun> {
  const problems: string[] = [];
  const outputs = shardDirs.flatMap((dir) => {
    try {
      return [readShardOutput(dir)];
    } catch (error) {
      problems.push((error as Error).message);
      return [];
    }
  });
  if (problems.length) throw new ShardSetError(problems);
  const shards = checkShardSet(outputs);

  let envelopes: Envelope[];
  try {
    envelopes = mergeEnvelopes(shards.map((s) => ({ label: shardLabel(s.meta.shard), envelopes: s.envelopes })));
  } catch (error) {
    throw new ShardSetError([(error as Error).message]);
  }
  const ran = shards.map((s) => ({ shard: s, keys: scenarioResults(s.envelopes).scenarios.map((r) => r.key) }));
  // A shard whose run stopped before its scenarios (its environment did not start) is as good as missing.
  const short = ran.filter(({ shard, keys }) => keys.length !== shard.meta.shard.dealt);
  const twice = ran
    .flatMap(({ shard, keys }) => keys.map((key) => ({ key, shard })))
    .filter(({ key }, i, all) => all.findIndex((other) => other.key === key) !== i);
  if (short.length || twice.length) {
    throw new ShardSetError([
      ...short.map(
        ({ shard, keys }) =>
          `shard ${shardLabel(shard.meta.shard)} ran ${keys.length} of the ${shard.meta.shard.dealt} scenarios dealt to it ` +
          `(cucumber exit code ${shard.meta.exitCode ?? 'unknown'}; its log says why): run that shard again, then merge`,
      ),
      ...twice.map(({ key, shard }) => `${key} ran in more than one shard (again in ${shardLabel(shard.meta.shard)})`),
    ]);
  }

  clearEarlierOutputs(reportsDir);
  writeFileSync(path.join(reportsDir, 'messages.ndjson'), envelopes.map((e) => `${JSON.stringify(e)}\n`).join(''));
  writeFileSync(path.join(reportsDir, 'junit.xml'), await junitXml(envelopes));
  mkdirSync(path.join(reportsDir, 'json'), { recursive: true });
  writeFileSync(path.join(reportsDir, 'json', 'cucumber.json'), JSON.stringify(mergeCucumberJson(shards, envelopes), null, 2));
  for (const shard of shards) copyShardLogs(shard, reportsDir);
  const meta = mergedMetadata(ran);
  writeFileSync(path.join(reportsDir, 'run.json'), JSON.stringify(meta, null, 2));

  const rendered = await renderReports(reportsDir, { envelopes, baseline: options.baseline });
  const leaks = shards.flatMap((s) => (s.meta.secretLeaks ?? []).map((leak) => `shard ${shardLabel(s.meta.shard)}: ${leak.what} in ${leak.file}:${leak.line}`));
  return { ...rendered, shards, meta, leaks };
}

/** Outputs of an earlier run in the reports folder; history/, the baseline and shards/ stay. */
function clearEarlierOutputs(reportsDir: string): void {
  for (const dir of ['html', 'logs', 'json']) rmSync(path.join(reportsDir, dir), { recursive: true, force: true });
  for (const file of ['run.json', 'results.json', 'summary.md', 'messages.ndjson', 'junit.xml']) rmSync(path.join(reportsDir, file), { force: true });
  mkdirSync(path.join(reportsDir, 'logs'), { recursive: true });
}

/** cucumber's JUnit XML of the merged stream, from the same printer and options cucumber's `junit` formatter uses. */
async function junitXml(envelopes: readonly Envelope[]): Promise<string> {
  // The suite's cucumber.js, read at run time (it is JavaScript, outside the type check).
  const config = (await import(pathToFileURL(path.resolve(import.meta.dirname, '../../cucumber.js')).href)) as {
    default: { formatOptions: { junit: JUnitOptions } };
  };
  let xml = '';
  const printer = new JUnitXmlPrinter(config.default.formatOptions.junit, (content) => (xml += content));
  for (const envelope of envelopes) printer.update(envelope);
  return xml;
}

type JsonFeature = { uri: string; elements: { line: number }[] };

/** The shards' cucumber JSON as one: a feature run in several shards once, its scenarios in file order. */
function mergeCucumberJson(shards: readonly ShardOutput[], envelopes: readonly Envelope[]): JsonFeature[] {
  const byUri = new Map<string, JsonFeature>();
  for (const feature of shards.flatMap((s) => s.cucumberJson as JsonFeature[])) {
    const known = byUri.get(feature.uri);
    if (known) known.elements.push(...feature.elements);
    else byUri.set(feature.uri, { ...feature, elements: [...feature.elements] });
  }
  const order = envelopes.flatMap((e) => (e.source ? [e.source.uri] : []));
  return [...byUri.values()]
    .sort((a, b) => order.indexOf(a.uri) - order.indexOf(b.uri))
    .map((feature) => ({ ...feature, elements: feature.elements.sort((a, b) => a.line - b.line) }));
}

/**
 * The merged run's metadata: the first shard's description of what ran, started when the first
 * shard started, with the longest shard's wall time and the worst exit code, and every shard.
 */
function mergedMetadata(ran: { shard: ShardOutput; keys: string[] }[]): RunMetadata {
  const metas = ran.map(({ shard }) => shard.meta);
  const { shard: _shard, host: _host, secretLeaks: _leaks, ...first } = metas[0];
  const nodes = [...new Set(metas.map((m) => m.node))];
  return {
    ...first,
    node: nodes.join(', '),
    workers: Math.max(...metas.map((m) => m.workers)),
    cucumberArgs: withoutShard(first.cucumberArgs ?? []),
    startedAt: metas.map((m) => m.startedAt).sort()[0],
    wallTimeMs: Math.max(...metas.map((m) => m.wallTimeMs ?? 0)),
    exitCode: Math.max(...metas.map((m) => m.exitCode ?? 1)),
    shards: ran.map(({ shard, keys }) => ({
      ...shard.meta.shard,
      startedAt: shard.meta.startedAt,
      wallTimeMs: shard.meta.wallTimeMs,
      exitCode: shard.meta.exitCode,
      node: shard.meta.node,
      workers: shard.meta.workers,
      host: shard.meta.host,
      scenarios: keys,
    })),
  };
}
