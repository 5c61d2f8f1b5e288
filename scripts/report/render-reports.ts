import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readResultsFile, toResultsFile, writeResultsFile } from './baseline.ts';
import { gateThresholds, judgeRun, type GateVerdict } from './gate.ts';
import { ciRunUrl, readHistory, recordRun, type HistoryEntry } from './history.ts';
import { renderHtmlReport } from './html-report.ts';
import { renderSummary, type BaselineInfo } from './markdown-summary.ts';
import { diffAgainstBaseline } from './regression-diff.ts';
import { gitInfo, readRunMetadata } from '../../environment/run-metadata.ts';
import { readEnvelopes, scenarioResults, type RunResults } from './scenario-results.ts';
import { refuseOneShard } from './shard-output.ts';
import { shardLabel } from '../../environment/cucumber-shard.ts';
import type { Envelope } from '@cucumber/messages';

export type RenderedReports = {
  results: RunResults;
  summaryPath: string;
  resultsPath: string;
  htmlPath?: string;
  baseline: BaselineInfo;
  verdict: GateVerdict;
  /** reports/history/ after this run, oldest first. */
  history: HistoryEntry[];
};

/**
 * Where the baseline comes from: an explicit path, else E2E_BASELINE (CI points it at the last
 * usable run's results.json), else the committed reports/baseline.json.
 */
export function baselinePath(reportsDir: string, explicit?: string): string {
  return explicit || process.env.E2E_BASELINE || path.join(reportsDir, 'baseline.json');
}

/**
 * From a finished run's outputs (its messages, json/, run.json) writes results.json, judges
 * the run (gate.ts) against the baseline and the runs before it in history/, records it there,
 * and writes summary.md and html/ (index.html and trends.html). The suite's report formatter
 * calls it at the end of every run with the messages it received; `npm run report` calls it
 * again on the last run's reports/messages.ndjson (the run's history file is replaced, not
 * added twice). A run without run.json (no metadata) is judged and shown but not recorded.
 * A merged run (scripts/report/merge-shards.ts) comes here too; its run.json says which shard
 * ran each scenario. One shard's reports are refused: a shard is not a run.
 */
export async function renderReports(
  reportsDir: string,
  options: { baseline?: string; envelopes?: Iterable<Envelope> } = {},
): Promise<RenderedReports> {
  const messages = path.join(reportsDir, 'messages.ndjson');
  if (!options.envelopes && !existsSync(messages)) throw new Error(`${messages} does not exist: run "npm run e2e" first`);
  const meta = readRunMetadata(path.join(reportsDir, 'run.json'));
  refuseOneShard(meta, reportsDir);
  const results = scenarioResults(options.envelopes ?? readEnvelopes(messages));
  for (const shard of meta?.shards ?? []) {
    const ran = new Set(shard.scenarios);
    for (const s of results.scenarios.filter((s) => ran.has(s.key))) s.shard = shardLabel(shard);
  }

  const resultsPath = path.join(reportsDir, 'results.json');
  const resultsFile = toResultsFile(results, meta ?? gitInfo());
  if (meta) resultsFile.createdAt = meta.startedAt;
  writeResultsFile(resultsPath, resultsFile);

  const source = baselinePath(reportsDir, options.baseline);
  const relative = path.relative(process.cwd(), source);
  const shownSource = relative.startsWith('..') || path.isAbsolute(relative) ? source : relative;
  const baselineFile = readResultsFile(source);
  const baseline: BaselineInfo = baselineFile
    ? { found: true, source: shownSource, ...baselineFile, diff: diffAgainstBaseline(baselineFile, results) }
    : { found: false, source: shownSource };

  const historyDir = path.join(reportsDir, 'history');
  const startedAt = meta?.startedAt ?? resultsFile.createdAt;
  const earlier = readHistory(historyDir).filter((entry) => entry.run.startedAt < startedAt);
  const run: HistoryEntry['run'] = {
    startedAt,
    node: meta?.node ?? process.version,
    target: meta?.target ?? 'containers',
    system: meta?.system,
    runnerClass: meta?.runnerClass,
    workers: meta?.workers,
    wallTimeMs: meta?.wallTimeMs,
    exitCode: meta?.exitCode,
    cucumberArgs: meta?.cucumberArgs,
    ciRunUrl: ciRunUrl(),
  };
  const verdict = judgeRun(
    { current: results, thisRun: { partial: resultsFile.partial, run }, earlier, baseline: baselineFile, diff: baseline.found ? baseline.diff : undefined },
    gateThresholds(),
  );
  const entry: HistoryEntry = { ...resultsFile, run, gate: { passed: verdict.passed, reasons: verdict.reasons } };
  const history = meta ? recordRun(historyDir, entry).filter((e) => e.run.startedAt <= startedAt) : [...earlier, entry];

  const summaryPath = path.join(reportsDir, 'summary.md');
  writeFileSync(summaryPath, renderSummary(results, meta, baseline, verdict));

  const jsonDir = path.join(reportsDir, 'json');
  const htmlPath = existsSync(path.join(jsonDir, 'cucumber.json'))
    ? renderHtmlReport({
        jsonDir,
        reportPath: path.join(reportsDir, 'html'),
        meta,
        results,
        diff: baseline.found ? baseline.diff : undefined,
        verdict,
        history,
      })
    : undefined;
  return { results, summaryPath, resultsPath, htmlPath, baseline, verdict, history };
}
