/**
 * `npm run report [-- --baseline PATH]`: renders reports/summary.md, reports/results.json and
 * reports/html/ again from the last run's outputs, without running anything, and prints the
 * gate's verdict (the exit code stays 0: the run's own exit code was the gate). Useful after
 * changing the baseline or the report code, or on a downloaded CI artifact.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderReports } from './render-reports.ts';

const { values } = parseArgs({ options: { baseline: { type: 'string' }, reports: { type: 'string' } } });
const reportsDir = path.resolve(values.reports ?? 'reports');

try {
  const rendered = await renderReports(reportsDir, { baseline: values.baseline });
  console.log(`summary:  ${path.relative(process.cwd(), rendered.summaryPath)}`);
  console.log(`results:  ${path.relative(process.cwd(), rendered.resultsPath)}`);
  console.log(`html:     ${rendered.htmlPath ? path.relative(process.cwd(), rendered.htmlPath) : '(no reports/json/cucumber.json)'}`);
  console.log(`baseline: ${rendered.baseline.source}${rendered.baseline.found ? '' : ' (not found)'}`);
  console.log(`history:  ${rendered.history.length} run(s)`);
  console.log(`gate:     ${rendered.verdict.passed ? 'passed' : 'failed'}`);
  for (const reason of rendered.verdict.reasons) console.log(`  ${reason}`);
} catch (error) {
  console.error(`report: ${(error as Error).message}`);
  process.exit(1);
}
