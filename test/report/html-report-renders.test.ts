import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { toResultsFile } from '../../scripts/report/baseline.ts';
import { recordRun, type HistoryEntry } from '../../scripts/report/history.ts';
import { renderReports } from '../../scripts/report/render-reports.ts';
import { readScenarioResults } from '../../scripts/report/scenario-results.ts';
import { gateThresholds } from '../../scripts/report/gate.ts';
import { renderTrendsPage } from '../../scripts/report/trends.ts';
import { madeUpHistory, type Outcome } from './made-up-runs.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FIXTURE_RUN = path.join(ROOT, 'test/fixtures/report-run');
/** Rendered under reports/ so it can be opened by hand after `npm test`; reports/ is git-ignored. */
const RENDERED = path.join(ROOT, 'reports/fixture-report');
const SCREENSHOT = path.join(ROOT, 'reports/report-screenshot.png');
const KEY = (feature: string, name: string) => `test/fixtures/report-suite/features/${feature}.feature: ${name}`;
const ENTERS = KEY('reporting', 'A fan who enters gets a token');
const FAILING = KEY('reporting', 'A failing status check shows the exchange that failed');
const FLAKY = KEY('reporting', 'A flaky scenario passes on its second attempt');

/**
 * Four runs before the fixture run, made from its own results: the "enters" scenario fails in
 * the second and recovers after, the flaky one needed a retry in the first and third, and the
 * scenario failing in the fixture run passed in all of them.
 */
function earlierRuns(): HistoryEntry[] {
  const fixture = toResultsFile(readScenarioResults(path.join(FIXTURE_RUN, 'messages.ndjson')), { commit: 'x', branch: 'main' });
  return [1, 2, 3, 4].map((n) => {
    const scenarios = structuredClone(fixture.scenarios);
    scenarios[ENTERS].status = n === 2 ? 'failed' : 'passed';
    scenarios[FAILING].status = 'passed';
    scenarios[FLAKY] = { ...scenarios[FLAKY], status: 'passed', flaky: n === 1 || n === 3 };
    return {
      ...fixture,
      commit: `earlier${n}`.padEnd(40, '0'),
      createdAt: `2025-12-2${n}T12:00:00.000Z`,
      scenarios,
      run: { startedAt: `2025-12-2${n}T12:00:00.000Z`, node: 'v24.22.3', target: 'containers', wallTimeMs: 40_000 + n * 1_000, exitCode: n === 2 ? 1 : 0 },
      gate: { passed: n !== 2, reasons: n === 2 ? [`newly failing: ${ENTERS}`] : [] },
    };
  });
}
/** Debian's chromium by default; CI points CHROMIUM_PATH at the runner's Google Chrome. */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const launch = () =>
  chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });

/**
 * Renders the HTML report from a committed fixture run (a real cucumber run of
 * test/fixtures/report-suite: pass, failure, flaky, skips) and opens it in headless Chromium
 * with every network request refused, so it must render from local files alone.
 */
describe('the HTML report renders offline in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const remoteRequests: string[] = [];
  const failedRequests: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary`,
    );
    rmSync(RENDERED, { recursive: true, force: true });
    mkdirSync(RENDERED, { recursive: true });
    for (const item of ['json', 'messages.ndjson', 'run.json']) cpSync(path.join(FIXTURE_RUN, item), path.join(RENDERED, item), { recursive: true });
    for (const run of earlierRuns()) recordRun(path.join(RENDERED, 'history'), run);
    await renderReports(RENDERED, { baseline: path.join(ROOT, 'test/fixtures/report-suite/baseline.json') });

    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    // Offline means offline: anything but a local file is refused and remembered.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      remoteRequests.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(pathToFileURL(path.join(RENDERED, 'html/index.html')).href, { waitUntil: 'load' });
  });

  after(async () => {
    await browser?.close();
  });

  it('loads every asset locally, without script errors', () => {
    assert.deepEqual(remoteRequests, []);
    assert.deepEqual(failedRequests, []);
    assert.deepEqual(pageErrors, []);
  });

  it('lists the features, with DataTables (jQuery) running', async () => {
    const features = page.locator('#features-table tbody tr');
    await features.first().waitFor({ state: 'visible', timeout: 10_000 });
    const rows = await features.allInnerTexts();
    assert.equal(rows.length, 2, rows.join('\n'));
    assert.ok(rows.some((row) => row.includes('Reporting fixture')));
    assert.ok(rows.some((row) => row.includes('Scheduling fixture')));
    // The "Showing 1 to 2 of 2 entries" footer only exists when DataTables ran.
    await page.getByText(/Showing 1 to 2 of 2 entries/).waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('shows the pass/fail counts', async () => {
    // Feature rows end with the scenario counts: total, passed, failed, skipped.
    const counts = async (feature: string) =>
      (await page.locator('#features-table tbody tr', { hasText: feature }).innerText()).trim().split(/\s+/).slice(-4).map(Number);
    assert.deepEqual(await counts('Reporting fixture'), [5, 2, 1, 2]);
    assert.deepEqual(await counts('Scheduling fixture'), [6, 6, 0, 0]);
    const overview = await page.locator('body').innerText();
    assert.match(overview, /Scenarios\s+Chart\s+Status\s+Progress\s+11\s+Passed\s+72\.73 %\s+Failed\s+9\.09 %\s+Skipped\s+18\.18 %/);
    assert.match(overview, /Against baseline\s*1 newly failing, 1 newly passing, 1 added, 1 removed/);
    assert.match(overview, /Gate\s*failed: newly failing: test\/fixtures\/report-suite\/features\/reporting\.feature: A failing status check/);
    assert.match(overview, /Trends\s*5 run\(s\) of history/);
    assert.match(overview, /Flaky \(passed after retry\)\s*A flaky scenario passes on its second attempt/);
    assert.match(overview, /Redis Cluster\s*3 masters \+ 3 replicas/);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('shows the failed step with its masked HTTP exchange on the feature page', async () => {
    await page.locator('#features-table a', { hasText: 'Reporting fixture' }).click();
    await page.waitForLoadState('load');
    const body = await page.locator('body').innerText();
    assert.match(body, /A flaky scenario passes on its second attempt \[FLAKY: passed on attempt 2\]/);
    // Open the failed scenario and its step's attachment: Bootstrap's collapse must work offline.
    const failed = page.locator('.x_panel', { hasText: 'A failing status check shows the exchange that failed' }).last();
    await failed.locator('.collapse-link').click();
    await failed.getByText('+ Show Info').last().click();
    const transcript = failed.locator('pre', { hasText: 'GET /api/v1/queue/status' }).first();
    await transcript.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await transcript.textContent()) ?? '', /x-queue-token: \*\*\*masked:[0-9a-f]{8}\*\*\*/);
    assert.deepEqual(remoteRequests, []);
    assert.deepEqual(pageErrors, []);
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-feature.png'), fullPage: true });
  });

  it('opens the Trends page from the metadata panel: five runs, their charts, and each scenario over time', async () => {
    await page.goto(pathToFileURL(path.join(RENDERED, 'html/index.html')).href, { waitUntil: 'load' });
    await page.locator('#trends-link').click();
    await page.waitForLoadState('load');
    assert.match(page.url(), /\/html\/trends\.html$/);
    assert.equal(await page.locator('h1').innerText(), 'Trends: 5 run(s)');
    // uPlot drew two charts and one sparkline per scenario.
    await page.waitForFunction(() => document.body.dataset.chartsDrawn !== undefined, undefined, { timeout: 10_000 });
    assert.equal(await page.locator('body').getAttribute('data-charts-drawn'), String(2 + 11));
    assert.equal(await page.locator('#counts-chart canvas').count(), 1);
    assert.match(await page.locator('#counts-chart .u-legend').innerText(), /passed[\s\S]*failed[\s\S]*flaky/);
    assert.match(await page.locator('#wall-chart .u-legend').innerText(), /wall time \(s\)/);

    // Newest run first: the fixture run with its failure and flaky scenario (apart from the 7 plain passes), then the failed second run.
    const runs = await page.locator('#runs tbody tr').allInnerTexts();
    assert.equal(runs.length, 5);
    assert.match(runs[0], /^#5 0123456789ab\s+2026-01-01 12:00\s+fixture-branch\s+v20\.20\.2\s+7\s+1\s+1\s+2\s+41\.2 s\s+failed/);
    assert.match(runs[3], /^#2 earlier20000\s+2025-12-22 12:00\s+main\s+v24\.22\.3\s+8\s+1\s+0\s+2\s+42 s\s+failed/);

    const row = (key: string) => page.locator(`#scenarios tr[data-key="${key}"]`);
    const cells = (key: string) => row(key).locator('.cell').evaluateAll((spans) => spans.map((s) => s.className.replace('cell ', '')));
    // Failing in this run: listed first, first failed in this run.
    assert.equal(await page.locator('#scenarios tbody tr').first().getAttribute('data-key'), FAILING);
    assert.match(await row(FAILING).innerText(), /80 %\s+4\/5\s+0\s+1\s+#5 0123456789ab, 2026-01-01 12:00/);
    // Failed once, in the second run, and recovered after.
    assert.deepEqual(await cells(ENTERS), ['passed', 'failed', 'passed', 'passed', 'passed']);
    assert.match(await row(ENTERS).innerText(), /80 %\s+4\/5\s+0\s+1\s+#2 earlier20000, 2025-12-22 12:00/);
    // Flaky in three of five runs (counted as passes in the pass rate).
    assert.deepEqual(await cells(FLAKY), ['flaky', 'passed', 'flaky', 'passed', 'flaky']);
    assert.match(await row(FLAKY).innerText(), /100 %\s+5\/5\s+3\s+0\s+—/);
    assert.equal(await row(FLAKY).locator('.spark canvas').count(), 1);

    assert.deepEqual(remoteRequests, []);
    assert.deepEqual(failedRequests, []);
    assert.deepEqual(pageErrors, []);
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-trends.png'), fullPage: true });
  });
});

/**
 * `n` runs of 150 scenarios as a fresh clone, a soak and CI make them: one, two a minute and a
 * half apart, fifty of which the last nine came a day after the first burst. One scenario fails
 * in every seventh run.
 */
function runsOf(n: number): HistoryEntry[] {
  const first = Date.UTC(2026, 11, 7, 13, 0);
  return madeUpHistory(
    Array.from({ length: n }, (_, i) =>
      Object.fromEntries(Array.from({ length: 150 }, (_, j): [string, Outcome] => [`features/f.feature: s${j}`, [j === 0 && i % 7 === 6 ? 'failed' : 'passed', 1_000 + j]])),
    ),
  ).map((entry, i) => ({ ...entry, run: { ...entry.run, startedAt: new Date(first + i * 95_000 + (i > 40 ? 86_400_000 : 0)).toISOString(), wallTimeMs: 80_000 + i * 100 } }));
}

describe('the Trends charts have sensible axes with 1, 2 and 50 runs', () => {
  let browser: Browser;
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: see the first test of this file`);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  for (const n of [1, 2, 50]) {
    it(`${n} run(s): one tick per run or a round step, the runs' span, wall time from zero`, async () => {
      const dir = path.join(ROOT, `reports/fixture-trends-${n}`);
      rmSync(dir, { recursive: true, force: true });
      const history = runsOf(n);
      const verdict = { passed: true, reasons: [], thresholds: gateThresholds({}), windowRuns: n, flaky: [], durations: { comparableAs: undefined, comparableRuns: 0, runSpeed: 1, runSpeedFrom: 0, slow: [] } };
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(renderTrendsPage(dir, history, verdict)).href, { waitUntil: 'load' });
      await page.waitForFunction(() => document.getElementById('wall-chart')?.dataset.yTicks !== undefined, undefined, { timeout: 10_000 });
      const data = (id: string) => page.locator(`#${id}`).evaluate((element: HTMLElement) => ({ ...element.dataset }));
      const counts = await data('counts-chart');
      const wall = await data('wall-chart');

      // The x axis counts runs: half a run of room either side, whatever the times between them.
      for (const chart of [counts, wall]) assert.equal(chart.xRange, `0.5 ${n + 0.5}`);
      const ticks = counts.xTicks!.split(' ');
      if (n <= 2) assert.deepEqual(ticks, Array.from({ length: n }, (_, i) => `#${i + 1}`));
      else {
        assert.ok(ticks.length >= 5 && ticks.length <= 12, counts.xTicks);
        const numbers = ticks.map((tick) => Number(tick.slice(1)));
        assert.ok(numbers.every((k) => Number.isInteger(k) && k >= 1 && k <= n && k % 5 === 0), counts.xTicks);
        assert.equal(numbers.at(-1), 50);
      }
      // Counts on whole numbers, the passed count inside its axis; wall time from zero.
      const passedTicks = counts.passedTicks!.split(' ').map(Number);
      assert.ok(passedTicks.every(Number.isInteger), counts.passedTicks);
      assert.ok(passedTicks[0] <= 149 && passedTicks.at(-1)! >= 150, counts.passedTicks);
      assert.equal(counts.issuesTicks!.split(' ')[0], '0');
      assert.equal(wall.yTicks!.split(' ')[0], '0');

      // Hovering the last run names it and when it started.
      const box = (await page.locator('#counts-chart .u-over').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
      await page.mouse.move(box.x + box.width * (1 - 0.5 / (n + 1)), box.y + box.height / 2, { steps: 5 });
      const last = `#${n}, ${history.at(-1)!.run.startedAt.replace('T', ' ').slice(0, 16)} UTC`;
      const legend = page.locator('#counts-chart .u-legend');
      await legend.getByText(last).waitFor({ timeout: 5_000 }).catch(async () => assert.fail(`legend after hovering the last run: ${await legend.innerText()}`));
      assert.deepEqual(errors, []);
      await page.screenshot({ path: path.join(ROOT, `reports/report-screenshot-trends-${n}.png`), fullPage: false });
      await page.close();
    });
  }
});
