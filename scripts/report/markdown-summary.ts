import { percent, type GateVerdict } from './gate.ts';
import type { RegressionDiff } from './regression-diff.ts';
import { isFailing } from './regression-diff.ts';
import { systemLine, type RunMetadata } from '../../environment/run-metadata.ts';
import type { RunResults, ScenarioResult } from './scenario-results.ts';

export type BaselineInfo =
  | { found: true; source: string; commit: string; branch: string; createdAt: string; diff: RegressionDiff }
  | { found: false; source: string };

const SLOWEST = 10;

/** A table cell: no pipes or line breaks may leak into the Markdown table. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/`/g, "'");
}

export function seconds(ms: number | undefined): string {
  if (ms === undefined) return 'n/a';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `features/x.feature:12`, and in a merged run of shards the shard that ran it. */
const where = (s: ScenarioResult) => `\`${s.uri}${s.line ? `:${s.line}` : ''}\`${s.shard ? ` shard ${s.shard}` : ''}`;

function headline(results: RunResults, verdict: GateVerdict | undefined): string {
  const count = (pick: (s: ScenarioResult) => boolean) => results.scenarios.filter(pick).length;
  const failed = count((s) => isFailing(s.status));
  const passed = count((s) => s.status === 'passed');
  const flaky = count((s) => s.flaky);
  const skipped = count((s) => s.status === 'skipped');
  const icon = failed > 0 || results.scenarios.length === 0 || verdict?.passed === false ? '❌' : flaky > 0 ? '⚠️' : '✅';
  const parts = [
    `${failed} failed`,
    `${passed} passed${flaky ? ` (${flaky} flaky)` : ''}`,
    ...(skipped ? [`${skipped} skipped`] : []),
  ];
  return `## ${icon} End-to-end: ${parts.join(', ')} of ${results.scenarios.length} scenarios`;
}

function environmentLine(meta: RunMetadata | undefined, results: RunResults): string {
  if (!meta) return `Cucumber run time ${seconds(results.durationMs)} (no reports/run.json: run metadata unknown).`;
  const target =
    meta.target === 'external'
      ? `external target ${meta.coreUrl ?? ''}`.trim()
      : `containers: Redis Cluster ${meta.cluster ? `${meta.cluster.masters} masters + ${meta.cluster.replicas} replicas` : 'n/a'} ` +
        `(\`${meta.redisImage ?? 'n/a'}\`), PostgreSQL ${meta.postgresVersion ?? 'n/a'} (\`${meta.postgresImage ?? 'n/a'}\`), ` +
        `reference system: ${systemLine(meta)}`;
  return [
    `\`${meta.commit.slice(0, 12)}\` on \`${meta.branch}\``,
    `Node ${meta.node}`,
    target,
    `${meta.workers} worker(s)${meta.shards ? ' per shard' : ''}`,
    meta.shards
      ? `wall time ${seconds(meta.wallTimeMs)}, the longest of ${meta.shards.length} shards (${seconds(sumOfShards(meta))} summed; ` +
        `cucumber ${seconds(results.durationMs)} from the first shard's start to the last one's end)`
      : `wall time ${seconds(meta.wallTimeMs)} (cucumber ${seconds(results.durationMs)})`,
    ...(meta.cucumberArgs?.length ? [`args \`${meta.cucumberArgs.join(' ')}\``] : []),
  ].join(' · ');
}

/** Every shard's wall time added up: the machine time a sharded run took. */
export const sumOfShards = (meta: RunMetadata) => (meta.shards ?? []).reduce((sum, shard) => sum + (shard.wallTimeMs ?? 0), 0);

/** A merged run: what each shard ran, how long it took and how it ended. */
function shardsSection(results: RunResults, meta: RunMetadata | undefined): string[] {
  if (!meta?.shards) return [];
  return [
    `### Shards (${meta.shards.length})`,
    '',
    '| Shard | Scenarios | Failed | Wall time | Cucumber exit code | Started | Host |',
    '|---|---:|---:|---:|---:|---|---|',
    ...meta.shards.map((shard) => {
      const label = `${shard.index}/${shard.total}`;
      const failed = results.scenarios.filter((s) => s.shard === label && isFailing(s.status)).length;
      return `| ${label} | ${shard.scenarios.length} | ${failed} | ${seconds(shard.wallTimeMs)} | ${shard.exitCode ?? 'n/a'} | ${shard.startedAt} | ${cell(shard.host ?? 'n/a')} |`;
    }),
    '',
  ];
}

function countsTable(results: RunResults): string[] {
  const by = (pick: (s: ScenarioResult) => boolean) => results.scenarios.filter(pick).length;
  return [
    '| Passed | Failed | Flaky | Skipped | Not run (filtered) | Total run |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${by((s) => s.status === 'passed')} | ${by((s) => isFailing(s.status))} | ${by((s) => s.flaky)} | ` +
      `${by((s) => s.status === 'skipped')} | ${results.notRun.length} | ${results.scenarios.length} |`,
  ];
}

function failedSection(results: RunResults): string[] {
  const failed = results.scenarios.filter((s) => isFailing(s.status));
  if (failed.length === 0) return [];
  return [
    `### Failed scenarios (${failed.length})`,
    '',
    '| Scenario | Where | First error line |',
    '|---|---|---|',
    ...failed.map(
      (s) =>
        `| ${cell(s.name)}${s.attempts > 1 ? ` (after ${s.attempts} attempts)` : ''} | ${where(s)} | ${cell(s.error ?? s.status)} |`,
    ),
    '',
  ];
}

function flakySection(results: RunResults): string[] {
  const flaky = results.scenarios.filter((s) => s.flaky);
  if (flaky.length === 0) return [];
  return [
    `### Flaky scenarios: passed only after a retry (${flaky.length})`,
    '',
    '| Scenario | Where | Attempts | Error of the failed attempt(s) |',
    '|---|---|---:|---|',
    ...flaky.map((s) => `| ${cell(s.name)} | ${where(s)} | ${s.attempts} | ${cell(s.retriedErrors.join(' / '))} |`),
    '',
  ];
}

function skippedSection(results: RunResults): string[] {
  const skipped = results.scenarios.filter((s) => s.status === 'skipped');
  if (skipped.length === 0) return [];
  return [
    `### Skipped scenarios (${skipped.length})`,
    '',
    '| Scenario | Where | Why |',
    '|---|---|---|',
    ...skipped.map((s) => `| ${cell(s.name)} | ${where(s)} | ${cell(s.skipReason ?? 'skipped by a step or hook without a reason')} |`),
    '',
  ];
}

function list(title: string, items: string[]): string[] {
  if (items.length === 0) return [`- ${title}: none`];
  return [`- **${title} (${items.length})**`, ...items.map((item) => `  - ${item}`)];
}

function baselineSection(baseline: BaselineInfo | undefined): string[] {
  if (!baseline) return [];
  if (!baseline.found) {
    return ['### Compared with the baseline', '', `No baseline at \`${baseline.source}\`: nothing to compare with.`, ''];
  }
  const { diff } = baseline;
  return [
    '### Compared with the baseline',
    '',
    `Baseline \`${baseline.source}\`: commit \`${baseline.commit.slice(0, 12)}\` on \`${baseline.branch}\`, ${baseline.createdAt}.`,
    '',
    ...list(
      'Newly failing',
      diff.newlyFailing.map((c) => `\`${cell(c.key)}\` (was ${c.was})${c.error ? `: ${cell(c.error)}` : ''}`),
    ),
    ...list('Newly passing', diff.newlyPassing.map((c) => `\`${cell(c.key)}\` (was ${c.was})`)),
    ...list('Added', diff.added.map((key) => `\`${cell(key)}\``)),
    ...list('Removed', diff.removed.map((key) => `\`${cell(key)}\``)),
    ...(diff.notRun.length ? [`- Not run this time (filtered out): ${diff.notRun.length}`] : []),
    '',
  ];
}

function slowestSection(results: RunResults): string[] {
  const slowest = [...results.scenarios].sort((a, b) => b.durationMs - a.durationMs).slice(0, SLOWEST);
  if (slowest.length === 0) return [];
  return [
    `### Slowest ${slowest.length}`,
    '',
    '| # | Scenario | Where | Duration | Status |',
    '|---:|---|---|---:|---|',
    ...slowest.map((s, i) => `| ${i + 1} | ${cell(s.name)} | ${where(s)} | ${seconds(s.durationMs)} | ${s.flaky ? 'flaky' : s.status} |`),
    '',
  ];
}

function gateSection(verdict: GateVerdict | undefined): string[] {
  if (!verdict) return [];
  const t = verdict.thresholds;
  if (verdict.passed) {
    return [
      `**Gate passed**: no failure, no scenario flaky in more than ${percent(t.maxFlakyShare)} of the last ${t.window} runs, ` +
        (t.slowdownFactor ? 'none clearly slower than usual (below).' : 'durations not checked.'),
      '',
    ];
  }
  return [`**Gate failed** (${verdict.reasons.length} reason(s)):`, '', ...verdict.reasons.map((reason) => `- ${cell(reason)}`), ''];
}

function flakyOverWindowSection(verdict: GateVerdict | undefined): string[] {
  if (!verdict) return [];
  const { window, maxFlakyShare } = verdict.thresholds;
  const title = `### Flaky over the last ${window} runs (${verdict.windowRuns} in the history so far)`;
  if (verdict.flaky.length === 0) return [title, '', 'None: no scenario needed a retry to pass.', ''];
  return [
    title,
    '',
    `A share above ${percent(maxFlakyShare)} fails the run (\`E2E_GATE_FLAKY_SHARE\`).`,
    '',
    '| Scenario | Flaky runs | Share of the last runs |',
    '|---|---:|---:|',
    ...verdict.flaky.map((f) => `| \`${cell(f.key)}\` | ${f.flakyRuns} of ${window} | ${percent(f.share)}${f.share > maxFlakyShare ? ' ❌' : ''} |`),
    '',
  ];
}

function newlySlowSection(verdict: GateVerdict | undefined): string[] {
  if (!verdict) return [];
  const t = verdict.thresholds;
  const d = verdict.durations;
  const title = '### Newly slow';
  if (t.slowdownFactor === 0) return [title, '', 'Not checked: `E2E_GATE_SLOWDOWN_FACTOR=0`.', ''];
  const basis =
    d.comparableAs === undefined
      ? 'This run does not record its conditions, so no duration is judged.'
      : `Judged against the ${d.comparableRuns} earlier run(s) of the same conditions (${cell(d.comparableAs)}); ` +
        `a scenario needs ${t.minSamples} in which it passed. ` +
        (d.runSpeedFrom >= 5 ? `This run's speed: ${d.runSpeed.toFixed(2)}× the usual (median over ${d.runSpeedFrom} scenarios).` : 'Too few judged scenarios to measure this run\'s speed (taken as 1).');
  const rule =
    `Slow means more than ${t.slowdownFactor}× the expected duration (its median × this run's speed) and more than ` +
    `the largest of ${seconds(t.slowdownMinMs)}, ${t.slowdownMads} robust deviations and its own worst over it; ` +
    `those judged and not put down to a stall of the machine fail the run (❌), the others are listed with the reason.`;
  if (d.slow.length === 0) return [title, '', basis, '', rule, '', 'None.', ''];
  return [
    title,
    '',
    basis,
    '',
    rule,
    '',
    '| Scenario | Usual | Expected now | Now | Usual from | Verdict |',
    '|---|---:|---:|---:|---|---|',
    ...d.slow.map(
      (s) =>
        `| \`${cell(s.key)}\` | ${seconds(s.medianMs)} | ${seconds(s.expectedMs)} | ${seconds(s.currentMs)} | ${s.reference} | ` +
        `${s.notJudged ? `not judged: ${cell(s.notJudged)}` : '❌ fails the run'} |`,
    ),
    '',
  ];
}

/** reports/summary.md: what a reviewer needs from a run, in the order they need it. */
export function renderSummary(results: RunResults, meta: RunMetadata | undefined, baseline?: BaselineInfo, verdict?: GateVerdict): string {
  return [
    headline(results, verdict),
    '',
    environmentLine(meta, results),
    '',
    ...countsTable(results),
    '',
    ...gateSection(verdict),
    ...failedSection(results),
    ...flakySection(results),
    ...skippedSection(results),
    ...baselineSection(baseline),
    ...flakyOverWindowSection(verdict),
    ...newlySlowSection(verdict),
    ...slowestSection(results),
    ...shardsSection(results, meta),
    'Full report: `reports/html/index.html`, its history `reports/html/trends.html` (on CI: in the `e2e-reports-node*` artifacts); JUnit: `reports/junit.xml`.',
    '',
  ].join('\n');
}
