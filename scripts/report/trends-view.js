// The Trends page's charts (html/trends.html, written by scripts/report/trends.ts), drawn with
// uPlot from the data the page embeds. Plain browser JavaScript: the page is opened offline,
// from a file, with nothing to build.
(() => {
  const data = JSON.parse(document.getElementById('trends-data').textContent);
  const width = Math.min(1100, document.body.clientWidth - 40);
  // Counts are whole numbers: no 122.25 on their axes.
  const counts = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  const line = (label, stroke, scale = 'y') => ({ label, stroke, scale, width: 2, points: { show: true, size: 6, fill: stroke } });
  const when = (run) => run.startedAt.replace('T', ' ').slice(0, 16);

  // The x axis counts runs, oldest first, and hovering shows when each started. Runs come in
  // bursts (a soak, then a day of CI runs) that a time axis squeezes into slivers, and a time
  // axis given one run spans years around it.
  const runs = data.runs.map((_, i) => i + 1);
  const first = data.runs[0];
  const last = data.runs[data.runs.length - 1];
  const runScale = { time: false, range: () => [0.5, data.runs.length + 0.5] };
  const runSeries = { label: 'run', value: (u, v) => (v == null || !data.runs[v - 1] ? '--' : `#${v}, ${when(data.runs[v - 1])} UTC`) };
  /** The run axis; its tick labels and range are left on the chart's element, for the browser test. */
  const runAxis = (element) => ({
    label: `run, oldest first (${when(first)}${data.runs.length > 1 ? ` to ${when(last)}` : ''} UTC)`,
    incrs: counts,
    values: (u, splits) => {
      const labels = splits.map((v) => `#${v}`);
      element.dataset.xTicks = labels.join(' ');
      element.dataset.xRange = `${u.scales.x.min} ${u.scales.x.max}`;
      return labels;
    },
  });
  /** A y axis whose tick labels are left on the element too. */
  const countAxis = (element, name, options) => ({
    incrs: counts,
    ...options,
    values: (u, splits) => {
      const labels = splits.map(String);
      element.dataset[name] = labels.join(' ');
      return labels;
    },
  });

  // Failed and flaky counts on their own axis (right): beside a hundred passes they would be a
  // flat line at zero.
  const countsChart = document.getElementById('counts-chart');
  new uPlot(
    {
      width,
      height: 240,
      scales: { x: runScale, issues: { range: (u, min, max) => [0, Math.max(1, max)] } },
      series: [runSeries, line('passed', '#2e7d32', 'passed'), line('failed', '#c62828', 'issues'), line('flaky', '#ef6c00', 'issues')],
      axes: [
        runAxis(countsChart),
        countAxis(countsChart, 'passedTicks', { label: 'passed', scale: 'passed' }),
        countAxis(countsChart, 'issuesTicks', { label: 'failed, flaky', scale: 'issues', side: 1, grid: { show: false } }),
      ],
    },
    [runs, data.runs.map((r) => r.passed), data.runs.map((r) => r.failed), data.runs.map((r) => r.flaky)],
    countsChart,
  );

  const wallChart = document.getElementById('wall-chart');
  // Up to a round number above the longest (88 s: 100), so the top of the axis has a tick.
  const longest = Math.max(1, ...data.runs.map((r) => r.wallTimeS ?? 0)) * 1.1;
  const magnitude = 10 ** Math.floor(Math.log10(longest));
  const top = [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= longest);
  new uPlot(
    {
      width,
      height: 200,
      // From zero: a wall time is read against nothing, not against the other runs' spread.
      scales: { x: runScale, y: { range: () => [0, top] } },
      series: [runSeries, line('wall time (s)', '#1565c0')],
      axes: [runAxis(wallChart), countAxis(wallChart, 'yTicks', { label: 'seconds' })],
    },
    [runs, data.runs.map((r) => r.wallTimeS)],
    wallChart,
  );

  // One sparkline per scenario: its duration in each run (a gap where it did not run or skipped).
  for (const element of document.querySelectorAll('.spark')) {
    const scenario = data.scenarios[Number(element.dataset.row)];
    new uPlot(
      {
        width: 170,
        height: 40,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: runScale },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: '#1565c0', width: 1.5, points: { show: true, size: 4, fill: '#1565c0' } }],
      },
      [runs, scenario.durationsS],
      element,
    );
  }
  document.body.dataset.chartsDrawn = String(document.querySelectorAll('.uplot').length);
})();
