import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LoadReport } from './load-report.ts';

const require = createRequire(import.meta.url);

/** uPlot, read from node_modules and inlined: the page works offline, no CDN. */
function uplotAssets(): { js: string; css: string } {
  const dist = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
  return { js: dist('uPlot.iife.min.js'), css: dist('uPlot.min.css') };
}

/** `log`: a logarithmic y axis, so milliseconds and seconds of latency both stay readable. */
type Chart = { title: string; unit: string; log?: boolean; series: { label: string; values: (number | null)[] }[] };

/** The charts of a report, every series aligned on the report's one-second clock. */
export function chartsOf(report: LoadReport): Chart[] {
  const t = report.series.t;
  const align = (points: { t: number; v: number }[]) => {
    const byT = new Map(points.map((p) => [p.t, p.v]));
    return t.map((x) => (byT.has(x) ? byT.get(x)! : null));
  };
  const clean = (values: number[]) => values.map((v) => (Number.isFinite(v) ? v : null));
  const charts: Chart[] = [];
  for (const [step, secs] of Object.entries(report.series.steps)) {
    if (step === 'admin' || !secs.some((s) => s.count > 0)) continue;
    const with_ = (pick: (s: (typeof secs)[number]) => number) => align(secs.filter((s) => s.count > 0).map((s) => ({ t: s.t, v: pick(s) })));
    charts.push({
      title: `${step}: latency over time`,
      unit: 'ms',
      log: true,
      series: [
        { label: 'p50', values: with_((s) => s.p50) },
        { label: 'p95', values: with_((s) => s.p95) },
        { label: 'p99', values: with_((s) => s.p99) },
      ],
    });
  }
  const p = report.series.probes;
  const rateSeries = ['target rate', 'started/s'].filter((k) => p[k]).map((k) => ({ label: k, values: clean(p[k]) }));
  for (const [step, secs] of Object.entries(report.series.steps)) {
    if (step === 'admin') continue;
    rateSeries.push({ label: `${step} responses/s`, values: align(secs.map((s) => ({ t: s.t, v: s.count }))) });
  }
  charts.push({ title: 'rates', unit: '/s', series: rateSeries });
  const errSeries = Object.entries(report.series.steps)
    .filter(([, secs]) => secs.some((s) => s.errors > 0))
    .map(([step, secs]) => ({ label: `${step} errors/s`, values: align(secs.map((s) => ({ t: s.t, v: s.errors }))) }));
  if (p['dropped/s']?.some((v) => v > 0)) errSeries.push({ label: 'dropped iterations/s', values: clean(p['dropped/s']) });
  if (errSeries.length) charts.push({ title: 'errors and dropped iterations', unit: '/s', series: errSeries });
  if (p['in flight']) charts.push({ title: 'iterations in flight', unit: '', series: [{ label: 'in flight', values: clean(p['in flight']) }] });
  const cpu = Object.keys(p).filter((k) => k.endsWith('CPU %'));
  if (cpu.length) charts.push({ title: 'CPU (% of one core)', unit: '%', series: cpu.map((k) => ({ label: k, values: clean(p[k]) })) });
  return charts;
}

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const tableHtml = (head: string[], rows: unknown[][], rowClass: (i: number) => string = () => '') =>
  `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows
    .map((r, i) => `<tr class="${rowClass(i)}">${r.map((c) => `<td>${esc(c ?? '—')}</td>`).join('')}</tr>`)
    .join('')}</table>`;

/** A self-contained page: summary tables and uPlot charts of latency, rates and CPU. */
export function renderLoadHtml(report: LoadReport): string {
  const { js, css } = uplotAssets();
  const charts = chartsOf(report);
  const data = JSON.stringify({ t: report.series.t, charts }).replace(/</g, '\\u003c');
  const fmt = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : '—');
  const phases = Object.entries(report.phases).map(([name, p]) => [name, fmt(p.targetRate), fmt(p.achievedRate), p.started, p.dropped, p.unfinished]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>load: ${esc(report.scenario)} — ${report.passed ? 'passed' : 'FAILED'}</title>
<style>${css}
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.fail td{background:#fdd}.pass td{background:#efe}
.verdict{font-size:20px;font-weight:bold;color:${report.passed ? '#070' : '#b00'}}
.charts{display:flex;flex-wrap:wrap;gap:16px}.note{color:#555}</style></head><body>
<h1>${esc(report.scenario)}${report.variant === 'smoke' ? ' (smoke)' : ''}</h1>
<p>${esc(report.summary)}</p>
<p class="verdict">${report.passed ? 'PASSED' : 'FAILED'} <small>(gate: ${report.gate} thresholds)</small></p>
${report.error ? `<p class="verdict">stopped early: ${esc(report.error)}</p>` : ''}
<p>${esc(report.startedAt)} · ${fmt(report.durationS)} s · ${esc(report.target.kind)} target, ${report.target.queueInstances} queue instance(s) ·
${report.machine.cpus} × ${esc(report.machine.cpuModel)}, ${report.machine.memoryGiB} GiB · node ${esc(report.machine.node)} · ${esc(report.git.branch)}@${esc(report.git.commit)}
${Object.keys(report.target.serviceEnv).length ? `· services with ${esc(Object.entries(report.target.serviceEnv).map(([k, v]) => `${k}=${v}`).join(' '))}` : ''}</p>
${report.generators ? `<h2>Generators</h2>${tableHtml(['generator', 'host', 'users', 'requests', 'started', 'ended', 'file'], report.generators.map((g) => [g.generator, g.hostname, `${g.users.first}–${g.users.first + g.users.count - 1}`, g.requests, g.startedAt, g.endedAt, g.file]))}` : ''}
<h2>Thresholds</h2>
${tableHtml(
  ['threshold', 'level', 'actual', 'limit', 'result'],
  report.thresholds.map((t) => [t.name, t.level, t.actual === null ? '—' : `${t.actual} ${t.unit}`, `${t.op} ${t.limit} ${t.unit}`, t.pass ? 'pass' : 'FAIL']),
  (i) => (report.thresholds[i].pass ? 'pass' : 'fail'),
)}
<h2>Arrival phases</h2>${tableHtml(['phase', 'target/s', 'achieved/s', 'started', 'dropped', 'unfinished'], phases)}
<h2>Steps</h2>${tableHtml(
  ['step', 'requests', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
  Object.entries(report.steps).map(([n, s]) => [n, s.requests, s.errors, s.p50, s.p95, s.p99, s.max]),
)}
${Object.keys(report.distributions).length ? `<h2>Distributions</h2>${tableHtml(['name', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], Object.entries(report.distributions).map(([n, d]) => [n, d.count, d.p50, d.p95, d.p99, d.max]))}` : ''}
<h2>Figures</h2>${tableHtml(['figure', 'value'], Object.entries(report.figures))}
<h2>Errors by step and code</h2>${Object.keys(report.errorsByCode).length ? tableHtml(['step and code', 'count'], Object.entries(report.errorsByCode)) : '<p>none</p>'}
<h2>CPU</h2>${tableHtml(['process', 'CPU ms', '% of one core', 'CPU µs per request'], report.cpu.map((c) => [c.name, c.cpuMs, c.percentOfOneCore, c.microsPerRequest]))}
${report.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}
<h2>Charts</h2><div class="charts" id="charts"></div>
<script>${js}</script>
<script>
const DATA = ${data};
const COLORS = ['#1f77b4','#d62728','#2ca02c','#ff7f0e','#9467bd','#8c564b','#e377c2','#17becf','#7f7f7f'];
for (const chart of DATA.charts) {
  const div = document.createElement('div');
  document.getElementById('charts').appendChild(div);
  new uPlot({
    title: chart.title, width: 560, height: 260,
    scales: { x: { time: false }, ...(chart.log ? { y: { distr: 3 } } : {}) },
    axes: [{ label: 'seconds' }, { label: chart.unit }],
    series: [{ label: 's' }, ...chart.series.map((s, i) => ({ label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false }))],
  }, [DATA.t, ...chart.series.map((s) => s.values)], div);
}
</script>
</body></html>
`;
}
