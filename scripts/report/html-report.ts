import reporter from 'multiple-cucumber-html-reporter';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GateVerdict } from './gate.ts';
import type { HistoryEntry } from './history.ts';
import { renderTrendsPage } from './trends.ts';
import type { RegressionDiff } from './regression-diff.ts';
import { systemLine, type RunMetadata } from '../../environment/run-metadata.ts';
import type { RunResults } from './scenario-results.ts';
import { seconds, sumOfShards } from './markdown-summary.ts';

type JsonEmbedding = { data: string; mime_type: string };
type JsonStep = { embeddings?: JsonEmbedding[] };
type JsonScenario = { name: string; line: number; steps: JsonStep[]; tags?: { name: string }[] };
type JsonFeature = { uri: string; elements: JsonScenario[] };

export type HtmlReportInput = {
  /** Directory holding cucumber's JSON output (reports/json). */
  jsonDir: string;
  /** Where index.html goes (reports/html). */
  reportPath: string;
  meta?: RunMetadata;
  results?: RunResults;
  diff?: RegressionDiff;
  verdict?: GateVerdict;
  /** The runs of reports/history/, this one last: rendered as html/trends.html. */
  history?: HistoryEntry[];
};

/** Custom data values go into the page unescaped by the reporter. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The reporter hides JSON attachments on hook steps, shows unknown media types as opaque
 * <object>s, and prints JSON attachments without escaping; as plain text they are shown,
 * readable and escaped.
 */
function asPlainText(embedding: JsonEmbedding): JsonEmbedding {
  const textual = embedding.mime_type.startsWith('text/') || embedding.mime_type === 'application/json';
  return textual ? { ...embedding, mime_type: 'text/plain' } : embedding;
}

/** The reporter only sees the final attempt; say in the scenario's name that it needed a retry. */
function markFlaky(features: JsonFeature[], results: RunResults | undefined): void {
  const flaky = new Map((results?.scenarios ?? []).filter((s) => s.flaky).map((s) => [`${s.uri}:${s.line}`, s]));
  for (const feature of features) {
    for (const scenario of feature.elements) {
      const result = flaky.get(`${feature.uri}:${scenario.line}`);
      if (!result) continue;
      scenario.name = `${scenario.name} [FLAKY: passed on attempt ${result.attempts}]`;
      scenario.tags = [...(scenario.tags ?? []), { name: '@retried' }];
    }
  }
}

function prepareJson(jsonDir: string, results: RunResults | undefined): string {
  const staging = mkdtempSync(path.join(os.tmpdir(), 'html-report-input-'));
  for (const file of readdirSync(jsonDir).filter((f) => f.endsWith('.json'))) {
    const features = JSON.parse(readFileSync(path.join(jsonDir, file), 'utf8') || '[]') as JsonFeature[];
    for (const feature of features) {
      for (const scenario of feature.elements) {
        for (const step of scenario.steps) step.embeddings = step.embeddings?.map(asPlainText);
      }
    }
    markFlaky(features, results);
    writeFileSync(path.join(staging, file), JSON.stringify(features));
  }
  return staging;
}

function customData(input: HtmlReportInput) {
  const { meta, results, diff, verdict, history } = input;
  const rows: { label: string; value: string }[] = [];
  if (meta) {
    rows.push(
      { label: 'Commit', value: meta.commit },
      { label: 'Branch', value: meta.branch },
      { label: 'Node.js', value: meta.node },
      { label: 'Target', value: meta.target === 'external' ? `external: ${meta.coreUrl ?? 'n/a'}` : 'containers (Testcontainers)' },
    );
    if (meta.target === 'containers') {
      rows.push(
        { label: 'Redis image', value: meta.redisImage ?? 'n/a' },
        {
          label: 'Redis Cluster',
          value: meta.cluster ? `${meta.cluster.masters} masters + ${meta.cluster.replicas} replicas` : 'n/a',
        },
        { label: 'PostgreSQL image', value: meta.postgresImage ?? 'n/a' },
        { label: 'PostgreSQL version', value: meta.postgresVersion ?? 'n/a' },
        { label: 'Reference system', value: systemLine(meta) },
      );
    }
    rows.push(
      { label: 'Queue instances', value: String(meta.queueInstances) },
      { label: 'Workers', value: String(meta.workers) },
      { label: 'Cucumber arguments', value: meta.cucumberArgs?.join(' ') || '(none: full suite)' },
      { label: 'Started', value: meta.startedAt },
      {
        label: 'Wall time',
        value: meta.shards
          ? `${seconds(meta.wallTimeMs)}, the longest of ${meta.shards.length} shards (${seconds(sumOfShards(meta))} summed)`
          : seconds(meta.wallTimeMs),
      },
    );
    if (meta.shards) {
      rows.push({
        label: 'Shards',
        value: meta.shards
          .map((shard) => `${shard.index}/${shard.total}: ${shard.scenarios.length} scenarios, ${seconds(shard.wallTimeMs)}, exit ${shard.exitCode ?? 'n/a'}${shard.host ? `, on ${shard.host}` : ''}`)
          .join('; '),
      });
    }
  }
  if (results) {
    const count = (status: string) => results.scenarios.filter((s) => s.status === status).length;
    const flaky = results.scenarios.filter((s) => s.flaky);
    rows.push(
      { label: 'Cucumber run time', value: seconds(results.durationMs) },
      {
        label: 'Scenarios',
        value: `${count('passed')} passed, ${results.scenarios.length - count('passed') - count('skipped')} failed, ${count('skipped')} skipped`,
      },
      { label: 'Flaky (passed after retry)', value: flaky.length ? flaky.map((s) => s.name).join('; ') : 'none' },
    );
  }
  if (diff) {
    rows.push({
      label: 'Against baseline',
      value:
        `${diff.newlyFailing.length} newly failing, ${diff.newlyPassing.length} newly passing, ` +
        `${diff.added.length} added, ${diff.removed.length} removed`,
    });
  }
  if (verdict) rows.push({ label: 'Gate', value: verdict.passed ? 'passed' : `failed: ${verdict.reasons.join('; ')}` });
  const data = rows.map((row) => ({ label: escapeHtml(row.label), value: escapeHtml(row.value) }));
  if (history?.length) data.push({ label: 'Trends', value: `<a id="trends-link" href="trends.html">${history.length} run(s) of history</a>` });
  return { title: 'Run metadata', data };
}

/**
 * The generated pages must load nothing from the network: reports are opened from CI
 * artifacts, offline, and behind proxies. Fails if a reporter upgrade brings CDN links back.
 */
export function assertNoRemoteAssets(reportPath: string): void {
  const pages = ['index.html', 'trends.html'].map((page) => path.join(reportPath, page)).filter(existsSync);
  const featuresDir = path.join(reportPath, 'features');
  for (const file of readdirSync(featuresDir)) pages.push(path.join(featuresDir, file));
  const remote = /<(?:script|link|img|iframe|object)\b[^>]*\b(?:src|href|data)\s*=\s*["']?(?:https?:)?\/\//i;
  const cssImport = /@import\s+url\(\s*["']?(?:https?:)?\/\//i;
  for (const page of pages) {
    const html = readFileSync(page, 'utf8');
    const hit = remote.exec(html) ?? cssImport.exec(html);
    if (hit) throw new Error(`${page} loads a remote asset: ${hit[0]}`);
  }
}

/** Renders cucumber's JSON into reports/html/index.html with the run's metadata, and trends.html; returns index.html's path. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const staging = prepareJson(input.jsonDir, input.results);
  try {
    rmSync(input.reportPath, { recursive: true, force: true });
    reporter.generate({
      jsonDir: staging,
      reportPath: input.reportPath,
      pageTitle: 'Ticket rush e2e',
      reportName: 'Concert ticketing waiting room: end-to-end regression',
      // Assets (Bootstrap, jQuery, DataTables, Font Awesome) are copied next to the pages.
      useCDN: false,
      displayDuration: true,
      displayReportTime: true,
      // Its per-feature browser/device/OS columns fit UI suites; ours are in the Run metadata panel.
      hideMetadata: true,
      disableLog: true,
      customStyle: path.join(import.meta.dirname, 'report-style.css'),
      pageFooter: '<div class="created-by"><p>ticket-rush QA kit: npm run e2e, npm run report</p></div>',
      customData: customData(input),
    });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (input.history?.length && input.verdict) renderTrendsPage(input.reportPath, input.history, input.verdict);
  assertNoRemoteAssets(input.reportPath);
  return path.join(input.reportPath, 'index.html');
}

