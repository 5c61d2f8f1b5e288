import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readResultsFile, toResultsFile, writeResultsFile } from './baseline.ts';
import { renderHtmlReport } from './html-report.ts';
import { renderSummary, type BaselineInfo } from './markdown-summary.ts';
import { diffAgainstBaseline } from './regression-diff.ts';
import { gitInfo, readRunMetadata } from './run-metadata.ts';
import { readEnvelopes, scenarioResults, type RunResults } from './scenario-results.ts';
import type { Envelope } from '@cucumber/messages';

export type RenderedReports = {
  results: RunResults;
  summaryPath: string;
  resultsPath: string;
  htmlPath?: string;
  baseline: BaselineInfo;
};

/**
 * Where the baseline comes from: an explicit path, else E2E_BASELINE (CI points it at the last
 * main run's results.json), else the committed reports/baseline.json.
 */
export function baselinePath(reportsDir: string, explicit?: string): string {
  return explicit || process.env.E2E_BASELINE || path.join(reportsDir, 'baseline.json');
}

/**
 * From a finished run's outputs (its messages, json/, run.json) writes results.json,
 * summary.md (with the regression diff) and html/index.html. The suite's report formatter
 * calls it at the end of every run with the messages it received; `npm run report` calls it
 * again on the last run's reports/messages.ndjson.
 */
export async function renderReports(
  reportsDir: string,
  options: { baseline?: string; envelopes?: Iterable<Envelope> } = {},
): Promise<RenderedReports> {
  const messages = path.join(reportsDir, 'messages.ndjson');
  if (!options.envelopes && !existsSync(messages)) throw new Error(`${messages} does not exist: run "npm run e2e" first`);
  const meta = readRunMetadata(path.join(reportsDir, 'run.json'));
  const results = scenarioResults(options.envelopes ?? readEnvelopes(messages));

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

  const summaryPath = path.join(reportsDir, 'summary.md');
  writeFileSync(summaryPath, renderSummary(results, meta, baseline));

  const jsonDir = path.join(reportsDir, 'json');
  const htmlPath = existsSync(path.join(jsonDir, 'cucumber.json'))
    ? renderHtmlReport({
        jsonDir,
        reportPath: path.join(reportsDir, 'html'),
        meta,
        results,
        diff: baseline.found ? baseline.diff : undefined,
      })
    : undefined;
  return { results, summaryPath, resultsPath, htmlPath, baseline };
}
