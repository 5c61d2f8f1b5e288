import { readFileSync } from 'node:fs';
import {
  AttachmentContentEncoding,
  parseEnvelope,
  TimeConversion,
  type Envelope,
  type Pickle,
  type TestCaseStarted,
  type TestStepResult,
} from '@cucumber/messages';
import { namingStrategy, NamingStrategyFeatureName, NamingStrategyLength, Query } from '@cucumber/query';
import { SKIP_REASON_FILE } from '../../support/skip-reason.ts';

/** Same vocabulary as cucumber, lower case: passed, failed, skipped, pending, undefined, ambiguous, unknown. */
export type ScenarioStatus = 'passed' | 'failed' | 'skipped' | 'pending' | 'undefined' | 'ambiguous' | 'unknown';

export type ScenarioResult = {
  /** Stable across runs: feature file and scenario name (plus example number for outlines). */
  key: string;
  uri: string;
  line?: number;
  feature: string;
  name: string;
  tags: string[];
  status: ScenarioStatus;
  /** 1 when it ran once; more when @flaky retries were needed. */
  attempts: number;
  /** Passed, but only after a failed attempt. */
  flaky: boolean;
  /** Duration of the final attempt. */
  durationMs: number;
  startedAtMs: number;
  finishedAtMs: number;
  workerId?: string;
  /** First meaningful line of the error of the final attempt (failed scenarios). */
  error?: string;
  /** First error of each attempt that was retried (flaky and failed-after-retry scenarios). */
  retriedErrors: string[];
  /** Why the scenario skipped itself (external target lacking a capability, say). */
  skipReason?: string;
  /** In a merged run of shards, the shard that ran it: "2/3". */
  shard?: string;
};

export type RunResults = {
  scenarios: ScenarioResult[];
  /** Scenario keys that exist in the features but were filtered out (--tags, --name, paths). */
  notRun: string[];
  /** Cucumber's own run time, from testRunStarted to testRunFinished. */
  durationMs: number;
  success: boolean;
};

const scenarioName = namingStrategy(NamingStrategyLength.LONG, NamingStrategyFeatureName.EXCLUDE);

/**
 * Assertion messages often start with a heading ("Expected values to be strictly equal:") and
 * put the substance on the next line; keep both so the summary line says what went wrong.
 */
export function firstErrorLine(result: TestStepResult | undefined): string | undefined {
  const text = result?.exception?.message ?? result?.message;
  if (!text) return undefined;
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('at '));
  if (lines.length === 0) return undefined;
  const first = lines[0].endsWith(':') && lines[1] ? `${lines[0]} ${lines[1]}` : lines[0];
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}

/** Reads cucumber's message stream (reports/messages.ndjson) into one result per scenario. */
export function readScenarioResults(ndjsonPath: string): RunResults {
  return scenarioResults(readEnvelopes(ndjsonPath));
}

export function readEnvelopes(ndjsonPath: string): Envelope[] {
  return readFileSync(ndjsonPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map(parseEnvelope);
}

/** One result per scenario from cucumber's messages, as a formatter receives them or a file holds them. */
export function scenarioResults(envelopes: Iterable<Envelope>): RunResults {
  const query = new Query();
  const allStarted: TestCaseStarted[] = [];
  for (const envelope of envelopes) {
    query.update(envelope);
    if (envelope.testCaseStarted) allStarted.push(envelope.testCaseStarted);
  }

  const keys = new ScenarioKeys();
  const keyOf = new Map<string, string>();
  for (const pickle of query.findAllPickles()) keyOf.set(pickle.id, keys.next(pickle, query));

  const attemptsByTestCase = new Map<string, TestCaseStarted[]>();
  for (const started of allStarted) {
    attemptsByTestCase.set(started.testCaseId, [...(attemptsByTestCase.get(started.testCaseId) ?? []), started]);
  }

  const scenarios: ScenarioResult[] = [];
  const ran = new Set<string>();
  for (const started of query.findAllTestCaseStarted()) {
    const pickle = query.findPickleBy(started);
    const finished = query.findTestCaseFinishedBy(started);
    if (!pickle || !finished) continue;
    ran.add(pickle.id);
    const lineage = query.findLineageBy(pickle);
    const worst = query.findMostSevereTestStepResultBy(started);
    const status = (worst?.status.toLowerCase() ?? 'unknown') as ScenarioStatus;
    const retried = (attemptsByTestCase.get(started.testCaseId) ?? []).filter((attempt) => attempt.id !== started.id);
    scenarios.push({
      key: keyOf.get(pickle.id)!,
      uri: pickle.uri,
      line: query.findLocationOf(pickle)?.line,
      feature: lineage?.feature?.name ?? pickle.uri,
      name: scenarioName.reduce(lineage ?? {}, pickle),
      tags: pickle.tags.map((tag) => tag.name),
      status,
      attempts: started.attempt + 1,
      flaky: status === 'passed' && started.attempt > 0,
      durationMs: TimeConversion.durationToMilliseconds(query.findTestCaseDurationBy(started) ?? { seconds: 0, nanos: 0 }),
      startedAtMs: TimeConversion.timestampToMillisecondsSinceEpoch(started.timestamp),
      finishedAtMs: TimeConversion.timestampToMillisecondsSinceEpoch(finished.timestamp),
      workerId: started.workerId,
      error: status === 'failed' || status === 'ambiguous' ? firstErrorLine(worst) : undefined,
      retriedErrors: retried.map((attempt) => firstErrorLine(query.findMostSevereTestStepResultBy(attempt)) ?? 'failed'),
      skipReason: status === 'skipped' ? skipReasonOf(query, started) : undefined,
    });
  }

  const runStarted = query.findTestRunStarted();
  const runFinished = query.findTestRunFinished();
  return {
    scenarios,
    notRun: query
      .findAllPickles()
      .filter((pickle) => !ran.has(pickle.id))
      .map((pickle) => keyOf.get(pickle.id)!),
    durationMs:
      runStarted && runFinished
        ? TimeConversion.timestampToMillisecondsSinceEpoch(runFinished.timestamp) -
          TimeConversion.timestampToMillisecondsSinceEpoch(runStarted.timestamp)
        : 0,
    success: runFinished?.success ?? false,
  };
}

/** The text a skipping hook or step attached (see support/capabilities.ts). */
function skipReasonOf(query: Query, started: TestCaseStarted): string | undefined {
  for (const stepFinished of query.findTestStepsFinishedBy(started)) {
    for (const attachment of query.findAttachmentsBy(stepFinished)) {
      if (attachment.fileName === SKIP_REASON_FILE && attachment.contentEncoding === AttachmentContentEncoding.IDENTITY) return attachment.body;
    }
  }
  return undefined;
}

/** `features/x.feature: Scenario name`, with a counter when a feature repeats a name. */
class ScenarioKeys {
  private readonly seen = new Map<string, number>();

  next(pickle: Pickle, query: Query): string {
    const base = `${pickle.uri}: ${scenarioName.reduce(query.findLineageBy(pickle) ?? {}, pickle)}`;
    const count = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  }
}
