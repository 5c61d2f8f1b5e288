import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { HISTORY_CAP, type HistoryEntry } from './history.ts';
import { percent, type GateVerdict } from './gate.ts';
import { isFailing } from './regression-diff.ts';

/** A run's status for one scenario in the Trends view; '' when the run did not include it. */
type Cell = 'passed' | 'failed' | 'flaky' | 'skipped' | '';

export type TrendsData = {
  runs: {
    startedAt: string;
    /** Seconds since the epoch: uPlot's time axis. */
    t: number;
    commit: string;
    branch: string;
    node: string;
    passed: number;
    failed: number;
    flaky: number;
    skipped: number;
    wallTimeS: number | null;
    partial: boolean;
    gatePassed: boolean;
    ciRunUrl?: string;
  }[];
  scenarios: {
    key: string;
    /** Runs in which it ran (not skipped, not filtered out), and of those: passed (flaky ones too), failed, flaky. */
    ran: number;
    passed: number;
    failed: number;
    flaky: number;
    /** Index into runs of the first run it failed in, or null. */
    firstFailed: number | null;
    cells: Cell[];
    durationsS: (number | null)[];
  }[];
};

function cellOf(result: HistoryEntry['scenarios'][string] | undefined): Cell {
  if (!result) return '';
  if (result.flaky) return 'flaky';
  if (isFailing(result.status)) return 'failed';
  return result.status === 'passed' ? 'passed' : 'skipped';
}

/** Per run and per scenario, over the whole history (oldest first). */
export function trendsData(history: HistoryEntry[]): TrendsData {
  const runs = history.map((entry) => {
    const results = Object.values(entry.scenarios);
    const cells = results.map(cellOf);
    return {
      startedAt: entry.run.startedAt,
      t: Date.parse(entry.run.startedAt) / 1000,
      commit: entry.commit,
      branch: entry.branch,
      node: entry.run.node,
      passed: cells.filter((c) => c === 'passed').length,
      failed: cells.filter((c) => c === 'failed').length,
      flaky: cells.filter((c) => c === 'flaky').length,
      skipped: cells.filter((c) => c === 'skipped').length,
      wallTimeS: entry.run.wallTimeMs === undefined ? null : Math.round(entry.run.wallTimeMs / 100) / 10,
      partial: entry.partial,
      gatePassed: entry.gate.passed,
      ciRunUrl: entry.run.ciRunUrl,
    };
  });
  const keys = [...new Set(history.flatMap((entry) => Object.keys(entry.scenarios)))];
  const scenarios = keys.map((key) => {
    const cells = history.map((entry) => cellOf(entry.scenarios[key]));
    const firstFailed = cells.indexOf('failed');
    return {
      key,
      ran: cells.filter((c) => c === 'passed' || c === 'flaky' || c === 'failed').length,
      passed: cells.filter((c) => c === 'passed' || c === 'flaky').length,
      failed: cells.filter((c) => c === 'failed').length,
      flaky: cells.filter((c) => c === 'flaky').length,
      firstFailed: firstFailed < 0 ? null : firstFailed,
      cells,
      durationsS: history.map((entry) => {
        const result = entry.scenarios[key];
        return result && cellOf(result) !== 'skipped' ? Math.round(result.durationMs / 10) / 100 : null;
      }),
    };
  });
  // What needs a look first: failing in the last run, then the least reliable, then the flakiest;
  // scenarios that never ran (always skipped) last.
  const last = history.length - 1;
  const rate = (s: (typeof scenarios)[number]) => (s.ran ? s.passed / s.ran : 2);
  scenarios.sort(
    (a, b) =>
      Number(b.cells[last] === 'failed') - Number(a.cells[last] === 'failed') ||
      rate(a) - rate(b) ||
      b.flaky - a.flaky ||
      a.key.localeCompare(b.key),
  );
  return { runs, scenarios };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const short = (commit: string) => commit.slice(0, 12);
const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);
const uplotDist = path.dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));

function runLabel(run: TrendsData['runs'][number], index: number): string {
  const text = `#${index + 1} ${escapeHtml(short(run.commit))}`;
  return run.ciRunUrl ? `<a href="${escapeHtml(run.ciRunUrl)}">${text}</a>` : text;
}

function runsTable(data: TrendsData): string {
  const rows = data.runs
    .map((run, i) => ({ run, i }))
    .reverse()
    .map(
      ({ run, i }) =>
        `<tr><td>${runLabel(run, i)}</td><td>${escapeHtml(when(run.startedAt))}</td><td>${escapeHtml(run.branch)}</td>` +
        `<td>${escapeHtml(run.node)}</td><td class="num">${run.passed}</td><td class="num">${run.failed}</td>` +
        `<td class="num">${run.flaky}</td><td class="num">${run.skipped}</td>` +
        `<td class="num">${run.wallTimeS === null ? 'n/a' : `${run.wallTimeS} s`}</td>` +
        `<td>${run.gatePassed ? 'passed' : '<b class="bad">failed</b>'}${run.partial ? ' (filtered run)' : ''}</td></tr>`,
    )
    .join('\n');
  return (
    '<table id="runs"><thead><tr><th>Run</th><th>Started (UTC)</th><th>Branch</th><th>Node.js</th><th>Passed</th><th>Failed</th>' +
    `<th>Flaky</th><th>Skipped</th><th>Wall time</th><th>Gate</th></tr></thead><tbody>\n${rows}\n</tbody></table>`
  );
}

function scenariosTable(data: TrendsData): string {
  const rows = data.scenarios
    .map((s, row) => {
      const [uri, ...name] = s.key.split(': ');
      const strip = s.cells
        .map((cell, i) => `<span class="cell ${cell || 'none'}" title="#${i + 1} ${escapeHtml(short(data.runs[i].commit))}: ${cell || 'not run'}"></span>`)
        .join('');
      const first = s.firstFailed === null ? '—' : `${runLabel(data.runs[s.firstFailed], s.firstFailed)}, ${escapeHtml(when(data.runs[s.firstFailed].startedAt))}`;
      return (
        `<tr data-key="${escapeHtml(s.key)}"><td>${escapeHtml(name.join(': '))}<div class="uri">${escapeHtml(uri)}</div></td>` +
        `<td class="num">${s.ran ? percent(s.passed / s.ran) : 'n/a'}</td><td class="num">${s.passed}/${s.ran}</td>` +
        `<td class="num">${s.flaky}</td><td class="num">${s.failed}</td><td>${first}</td>` +
        `<td><div class="strip">${strip}</div></td><td><div class="spark" data-row="${row}"></div></td></tr>`
      );
    })
    .join('\n');
  return (
    '<table id="scenarios"><thead><tr><th>Scenario</th><th>Pass rate</th><th>Passed/ran</th><th>Flaky</th><th>Failed</th>' +
    `<th>First failed in</th><th>Each run, oldest first</th><th>Duration trend</th></tr></thead><tbody>\n${rows}\n</tbody></table>`
  );
}

/**
 * Writes html/trends.html from the history (this run last): pass/fail/flaky and wall time per
 * run, and per scenario its pass rate, flaky and failed counts, the first run it failed in, its
 * status in each run and its duration trend. Charts are drawn by uPlot, copied next to the page
 * with the page's own script (trends-view.js): the report is opened offline, from artifacts.
 */
export function renderTrendsPage(reportPath: string, history: HistoryEntry[], verdict: GateVerdict): string {
  const assets = path.join(reportPath, 'assets', 'trends');
  mkdirSync(assets, { recursive: true });
  copyFileSync(path.join(uplotDist, 'uPlot.iife.min.js'), path.join(assets, 'uPlot.iife.min.js'));
  copyFileSync(path.join(uplotDist, 'uPlot.min.css'), path.join(assets, 'uPlot.min.css'));
  copyFileSync(path.join(import.meta.dirname, 'trends-view.js'), path.join(assets, 'trends-view.js'));

  const data = trendsData(history);
  const t = verdict.thresholds;
  const gate = verdict.passed
    ? '<p class="good">Gate passed.</p>'
    : `<p class="bad">Gate failed:</p><ul>${verdict.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Ticket rush e2e: trends</title>
<link rel="stylesheet" href="assets/trends/uPlot.min.css">
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
  table { border-collapse: collapse; font-size: 0.85rem; }
  th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: middle; }
  td.num { text-align: right; } .uri { color: #777; font-size: 0.75rem; }
  .good { color: #2e7d32; } .bad { color: #c62828; }
  .strip { display: flex; gap: 1px; } .cell { width: 9px; height: 16px; display: inline-block; }
  .cell.passed { background: #66bb6a; } .cell.failed { background: #e53935; } .cell.flaky { background: #ffa726; }
  .cell.skipped { background: #bdbdbd; } .cell.none { background: #f3f3f3; }
  .chart { margin: 0.5rem 0 1rem; }
</style>
</head>
<body>
<p><a href="index.html">← Report of this run</a></p>
<h1>Trends: ${data.runs.length} run(s)</h1>
<p id="summary">From <code>reports/history/</code> (the last ${HISTORY_CAP} runs are kept; on CI carried forward from the last run of the default branch), oldest first; the last one is this run. The gate looks at the last ${t.window} runs: a scenario flaky in more than ${percent(t.maxFlakyShare)} of them fails the run, and so does one clearly slower than in at least ${t.minSamples} earlier runs of the same conditions (docs/report.md).</p>
${gate}
<h2>Scenarios per run</h2>
<div id="counts-chart" class="chart"></div>
<h2>Wall time per run</h2>
<div id="wall-chart" class="chart"></div>
<h2>Runs</h2>
<p>Newest first. Passed counts passes at the first attempt; flaky ones (passed on a retry) are counted apart.</p>
${runsTable(data)}
<h2>Scenarios</h2>
<p>Failing in this run first, then the lowest pass rate, then the most often flaky. A flaky run (passed on a retry) counts as passed in the pass rate. Colours: <span class="cell passed"></span> passed <span class="cell flaky"></span> flaky <span class="cell failed"></span> failed <span class="cell skipped"></span> skipped <span class="cell none"></span> not run.</p>
${scenariosTable(data)}
<script type="application/json" id="trends-data">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>
<script src="assets/trends/uPlot.iife.min.js"></script>
<script src="assets/trends/trends-view.js"></script>
</body>
</html>
`;
  const file = path.join(reportPath, 'trends.html');
  writeFileSync(file, html);
  return file;
}
