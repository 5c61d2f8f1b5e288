/**
 * One message stream out of the shards' streams, as if one cucumber run had run every shard's
 * scenarios: what `npm run report:merge` feeds to the same report code an unsharded run uses.
 *
 * Every shard's stream starts with the same definitions (feature sources, gherkin documents,
 * every pickle — cucumber emits all of them and runs only its shard's —, step definitions,
 * hooks, parameter types) under ids of its own: cucumber makes a new UUID for each, per run.
 * The merged stream keeps the first shard's definitions; each other shard's are matched to
 * them one by one, and must be equal apart from their ids, or the shards did not run the same
 * features and code. The shards' test cases, steps, attachments and hook runs follow shard by
 * shard, their references rewritten to the first shard's ids. The run starts when the first
 * shard started and finishes when the last one finished; it succeeded if every shard did.
 */
import type { Envelope, TestRunFinished, TestRunStarted } from '@cucumber/messages';
import { TimeConversion } from '@cucumber/messages';

export type ShardStream = { label: string; envelopes: readonly Envelope[] };

/** Envelopes that describe what was run rather than its running: the same in every shard. */
const DEFINITIONS = ['source', 'gherkinDocument', 'pickle', 'stepDefinition', 'hook', 'parameterType', 'undefinedParameterType'] as const;

const kindOf = (envelope: Envelope) => Object.keys(envelope).find((key) => (envelope as Record<string, unknown>)[key] !== undefined) ?? '';
const isDefinition = (envelope: Envelope) => (DEFINITIONS as readonly string[]).includes(kindOf(envelope));

export function mergeEnvelopes(shards: readonly ShardStream[]): Envelope[] {
  if (shards.length === 0) throw new Error('no shard to merge');
  const [first, ...others] = shards;
  const firstRun = runOf(first);
  const firstDefinitions = first.envelopes.filter(isDefinition);

  const remapped: Envelope[][] = [progressOf(first)];
  const seenIds = new Set(idsOfProgress(remapped[0]));
  for (const shard of others) {
    const ids = new Map<string, string>();
    const [runId, firstRunId] = [runOf(shard).started.id, firstRun.started.id];
    if (runId && firstRunId) ids.set(runId, firstRunId);
    const definitions = shard.envelopes.filter(isDefinition);
    if (definitions.length !== firstDefinitions.length) {
      throw new Error(`shard ${shard.label} ran other features or support code than shard ${first.label}: ${describeCounts(definitions)} against ${describeCounts(firstDefinitions)}`);
    }
    definitions.forEach((definition, i) => align(firstDefinitions[i], definition, ids, `${kindOf(firstDefinitions[i])}${where(firstDefinitions[i])}`, shard.label, first.label));
    const progress = progressOf(shard).map((envelope) => rewrite(envelope, ids) as Envelope);
    for (const id of idsOfProgress(progress)) {
      if (seenIds.has(id)) throw new Error(`shard ${shard.label} reuses the test case id ${id} of another shard: its messages are not from a run of its own`);
      seenIds.add(id);
    }
    remapped.push(progress);
  }

  const runs = shards.map(runOf);
  const started: TestRunStarted = { ...firstRun.started, timestamp: earliest(runs.map((r) => r.started.timestamp)) };
  const failedRun = runs.find((r) => !r.finished.success);
  const finished: TestRunFinished = {
    ...(failedRun ?? firstRun).finished,
    testRunStartedId: firstRun.started.id,
    timestamp: latest(runs.map((r) => r.finished.timestamp)),
    success: !failedRun,
  };
  const preamble = first.envelopes.slice(0, first.envelopes.findIndex((e) => e.testRunStarted));
  return [...preamble, { testRunStarted: started }, ...remapped.flat(), { testRunFinished: finished }];
}

function runOf(shard: ShardStream): { started: TestRunStarted; finished: TestRunFinished } {
  const starts = shard.envelopes.filter((e) => e.testRunStarted);
  const finishes = shard.envelopes.filter((e) => e.testRunFinished);
  if (starts.length !== 1 || finishes.length !== 1) {
    throw new Error(`shard ${shard.label}: its messages hold ${starts.length} run start(s) and ${finishes.length} run end(s), not one of each`);
  }
  return { started: starts[0].testRunStarted!, finished: finishes[0].testRunFinished! };
}

/** What happened in the run: everything after its start that is not a definition, and not its end. */
function progressOf(shard: ShardStream): Envelope[] {
  const start = shard.envelopes.findIndex((e) => e.testRunStarted);
  const misplaced = shard.envelopes.slice(0, start).find((e) => !isDefinition(e) && !e.meta);
  if (misplaced) throw new Error(`shard ${shard.label}: a ${kindOf(misplaced)} message before the run started`);
  return shard.envelopes.slice(start + 1).filter((e) => !e.testRunFinished && !isDefinition(e));
}

function idsOfProgress(envelopes: readonly Envelope[]): string[] {
  return envelopes.flatMap((e) => [e.testCase?.id, e.testCaseStarted?.id, e.testRunHookStarted?.id].filter((id): id is string => !!id));
}

/**
 * Walks a definition of the first shard and its counterpart in another side by side: every
 * `id` of the other is mapped to the first's, and everything else must be equal (a reference
 * to an id mapped before counts as equal when it points at the counterpart).
 */
function align(expected: unknown, actual: unknown, ids: Map<string, string>, at: string, shard: string, firstShard: string): void {
  const differ = (detail: string): never => {
    throw new Error(`shard ${shard} ran other features or support code than shard ${firstShard}: ${at} differs (${detail})`);
  };
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) differ('a list of another length');
    expected.forEach((item, i) => align(item, (actual as unknown[])[i], ids, at, shard, firstShard));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) differ('another shape');
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
    for (const key of keys) {
      if (key === 'id' && typeof e.id === 'string' && typeof a.id === 'string') ids.set(a.id, e.id);
      else align(e[key], a[key], ids, at, shard, firstShard);
    }
    return;
  }
  const mapped = typeof actual === 'string' && ids.has(actual) ? ids.get(actual) : actual;
  if (mapped !== expected) differ(`${short(expected)} in shard ${firstShard}, ${short(actual)} in shard ${shard}`);
}

/** Every string that is an id of the other shard's definitions becomes the first shard's id. */
function rewrite(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === 'string') return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((item) => rewrite(item, ids));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewrite(item, ids)]));
  }
  return value;
}

function where(envelope: Envelope): string {
  const uri = envelope.source?.uri ?? envelope.gherkinDocument?.uri ?? envelope.pickle?.uri ?? envelope.stepDefinition?.sourceReference.uri ?? envelope.hook?.sourceReference.uri;
  const name = envelope.pickle?.name ?? envelope.stepDefinition?.pattern.source ?? envelope.hook?.name;
  return uri || name ? ` ${[uri, name && `"${name}"`].filter(Boolean).join(' ')}` : '';
}

function describeCounts(envelopes: readonly Envelope[]): string {
  const counts = new Map<string, number>();
  for (const envelope of envelopes) counts.set(kindOf(envelope), (counts.get(kindOf(envelope)) ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${count} ${kind}`).join(', ');
}

const short = (value: unknown) => {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
};

const millis = (t: TestRunStarted['timestamp']) => TimeConversion.timestampToMillisecondsSinceEpoch(t);
const earliest = (ts: TestRunStarted['timestamp'][]) => ts.reduce((a, b) => (millis(b) < millis(a) ? b : a));
const latest = (ts: TestRunStarted['timestamp'][]) => ts.reduce((a, b) => (millis(b) > millis(a) ? b : a));
