/**
 * `node scripts/report/github-annotations.ts [reports]`: prints GitHub Actions workflow commands
 * that annotate the pull request's feature files: an error at each failed scenario, a warning
 * at each flaky one. Workflow commands need no token or extra permission (unlike publishing
 * JUnit XML as a check run, which needs `checks: write`).
 */
import path from 'node:path';
import { isFailing } from './regression-diff.ts';
import { readScenarioResults, type RunResults } from './scenario-results.ts';

const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function githubAnnotations(results: RunResults): string[] {
  const lines: string[] = [];
  for (const s of results.scenarios) {
    const where = `file=${escapeProperty(s.uri)}${s.line ? `,line=${s.line}` : ''}`;
    if (isFailing(s.status)) {
      lines.push(`::error ${where},title=${escapeProperty(`Scenario ${s.status}: ${s.name}`)}::${escapeData(s.error ?? s.status)}`);
    } else if (s.flaky) {
      lines.push(
        `::warning ${where},title=${escapeProperty(`Flaky: ${s.name}`)}::${escapeData(
          `passed on attempt ${s.attempts}; earlier attempts failed with: ${s.retriedErrors.join(' / ')}`,
        )}`,
      );
    }
  }
  return lines;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const reportsDir = path.resolve(process.argv[2] ?? 'reports');
  for (const line of githubAnnotations(readScenarioResults(path.join(reportsDir, 'messages.ndjson')))) console.log(line);
}
