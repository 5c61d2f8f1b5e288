import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderReports } from '../../scripts/report/render-reports.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FIXTURE_RUN = path.join(ROOT, 'test/fixtures/report-run');
/** Rendered under reports/ so it can be opened by hand after `npm test`; reports/ is git-ignored. */
const RENDERED = path.join(ROOT, 'reports/fixture-report');
const SCREENSHOT = path.join(ROOT, 'reports/report-screenshot.png');
/** Debian's chromium by default; CI points CHROMIUM_PATH at the runner's Google Chrome. */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

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
    await renderReports(RENDERED, { baseline: path.join(ROOT, 'test/fixtures/report-suite/baseline.json') });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
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
    assert.match(overview, /Against baseline\s*1 newly failing, 1 newly passing, 1 added, 1 removed, 0 slower/);
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
});
