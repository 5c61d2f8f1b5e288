// The Trends page's charts (html/trends.html, written by scripts/report/trends.ts), drawn with
// uPlot from the data the page embeds. Plain browser JavaScript: the page is opened offline,
// from a file, with nothing to build.
(() => {
  const data = JSON.parse(document.getElementById('trends-data').textContent);
  const times = data.runs.map((run) => run.t);
  const width = Math.min(1100, document.body.clientWidth - 40);
  // Counts are whole numbers: no 122.25 on their axes.
  const counts = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  const line = (label, stroke, scale = 'y') => ({ label, stroke, scale, width: 2, points: { show: true, size: 6, fill: stroke } });

  // Failed and flaky counts on their own axis (right): beside a hundred passes they would be a
  // flat line at zero.
  new uPlot(
    {
      width,
      height: 240,
      scales: { x: { time: true }, issues: { range: (u, min, max) => [0, Math.max(1, max)] } },
      series: [
        { label: 'run started' },
        line('passed', '#2e7d32', 'passed'),
        line('failed', '#c62828', 'issues'),
        line('flaky', '#ef6c00', 'issues'),
      ],
      axes: [
        {},
        { label: 'passed', scale: 'passed', incrs: counts },
        { label: 'failed, flaky', scale: 'issues', side: 1, grid: { show: false }, incrs: counts },
      ],
    },
    [times, data.runs.map((r) => r.passed), data.runs.map((r) => r.failed), data.runs.map((r) => r.flaky)],
    document.getElementById('counts-chart'),
  );

  new uPlot(
    {
      width,
      height: 200,
      scales: { x: { time: true } },
      series: [{ label: 'run started' }, line('wall time (s)', '#1565c0')],
      axes: [{}, { label: 'seconds' }],
    },
    [times, data.runs.map((r) => r.wallTimeS)],
    document.getElementById('wall-chart'),
  );

  // One sparkline per scenario: its duration in each run (a gap where it did not run or skipped).
  const runIndex = data.runs.map((_, i) => i + 1);
  for (const element of document.querySelectorAll('.spark')) {
    const scenario = data.scenarios[Number(element.dataset.row)];
    new uPlot(
      {
        width: 170,
        height: 40,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: '#1565c0', width: 1.5, points: { show: true, size: 4, fill: '#1565c0' } }],
      },
      [runIndex, scenario.durationsS],
      element,
    );
  }
  document.body.dataset.chartsDrawn = String(document.querySelectorAll('.uplot').length);
})();
