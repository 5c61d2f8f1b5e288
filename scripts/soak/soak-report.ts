import type { ScenarioStatus } from '../report/scenario-results.ts';

/** One run of a soak, as scripts/soak.ts saw it end. */
export type SoakRun = {
  /** 1-based. */
  index: number;
  startedAt: string;
  /** The cucumber process's exit code (the gate's verdict); null when a signal ended it. */
  exitCode: number | null;
  wallTimeMs: number;
  /** Where this run's reports and output were kept, relative to the checkout. */
  dir: string;
  /** Why the run is red (empty when green): the gate's reasons, failures, or the end of its output. */
  reasons: string[];
  scenarios: { key: string; status: ScenarioStatus; attempts: number; durationMs: number }[];
};

export type SoakConditions = {
  date: string;
  commit: string;
  machine: string;
  node: string;
  /** E2E_SYSTEM: containers (default) or process; or the external target. */
  mode: string;
  /** Share of one core the competing CPU load took, 0 without --stress. */
  stress: number;
  cucumberArgs: string[];
  runsAsked: number;
  interrupted: boolean;
};

export type ScenarioSpread = {
  key: string;
  /** Runs it ran in (not skipped); passed includes those that needed a retry. */
  ran: number;
  passed: number;
  /** Runs in which it needed more than one attempt (only @flaky scenarios get one). */
  retried: number;
  failed: number;
  /** Durations of its passed runs: median, 95th percentile (nearest rank), max, in ms. */
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Coefficient of variation of those durations: standard deviation / mean. */
  cv: number;
};

export const isRed = (run: SoakRun) => run.exitCode !== 0;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Per scenario over the soak's runs, the widest spread (P95 − P50) first: the spread in seconds
 * is what a duration gate meets; a 20 ms scenario with one 600 ms run has a CV of 2 and matters
 * less than a 5 s one that sometimes takes 9.
 */
export function scenarioSpreads(runs: SoakRun[]): ScenarioSpread[] {
  const byKey = new Map<string, SoakRun['scenarios']>();
  for (const run of runs) for (const s of run.scenarios) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
  const spreads = [...byKey].map(([key, results]): ScenarioSpread => {
    const ran = results.filter((r) => r.status !== 'skipped');
    const passed = ran.filter((r) => r.status === 'passed');
    const durations = passed.map((r) => r.durationMs).sort((a, b) => a - b);
    const mean = durations.reduce((sum, d) => sum + d, 0) / durations.length;
    const variance = durations.reduce((sum, d) => sum + (d - mean) ** 2, 0) / durations.length;
    return {
      key,
      ran: ran.length,
      passed: passed.length,
      retried: ran.filter((r) => r.attempts > 1).length,
      failed: ran.length - passed.length,
      p50Ms: percentile(durations, 50),
      p95Ms: percentile(durations, 95),
      maxMs: durations.at(-1) ?? NaN,
      cv: durations.length > 1 && mean > 0 ? Math.sqrt(variance) / mean : 0,
    };
  });
  const spread = (s: ScenarioSpread) => (s.passed ? s.p95Ms - s.p50Ms : -1);
  return spreads.sort((a, b) => spread(b) - spread(a) || b.cv - a.cv || a.key.localeCompare(b.key));
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const seconds = (ms: number) => (Number.isNaN(ms) ? '—' : (ms / 1000).toFixed(2));

/** reports/soak.md: the conditions, each run, the red runs with their reasons, and every scenario's spread. */
export function renderSoakReport(runs: SoakRun[], conditions: SoakConditions): string {
  const red = runs.filter(isRed);
  const spreads = scenarioSpreads(runs);
  const c = conditions;
  const lines = [
    `# Soak: ${runs.length} run(s), ${red.length} red`,
    '',
    `${red.length === 0 ? '✅' : '❌'} ${runs.length - red.length} green, ${red.length} red` +
      (c.interrupted ? ` (interrupted: ${runs.length} of ${c.runsAsked} runs)` : ` of ${c.runsAsked} run(s) asked`),
    '',
    '| condition | value |',
    '|---|---|',
    `| date | ${c.date} |`,
    `| commit | \`${c.commit}\` |`,
    `| machine | ${cell(c.machine)} |`,
    `| Node.js | ${c.node} |`,
    `| mode | ${c.mode} |`,
    `| competing CPU load | ${c.stress ? `${c.stress} of one core (--stress)` : 'none'} |`,
    `| cucumber arguments | ${c.cucumberArgs.length ? `\`${cell(c.cucumberArgs.join(' '))}\`` : 'none (the full suite)'} |`,
    '',
    '## Runs',
    '',
    '| run | started (UTC) | verdict | wall time (s) | passed | failed | retried | reports |',
    '|---|---|---|---|---|---|---|---|',
    ...runs.map((run) => {
      const passed = run.scenarios.filter((s) => s.status === 'passed').length;
      const failed = run.scenarios.filter((s) => s.status !== 'passed' && s.status !== 'skipped').length;
      const retried = run.scenarios.filter((s) => s.attempts > 1).length;
      const verdict = isRed(run) ? `red (exit ${run.exitCode ?? 'signal'})` : 'green';
      return `| ${run.index} | ${run.startedAt.replace('T', ' ').slice(0, 19)} | ${verdict} | ${(run.wallTimeMs / 1000).toFixed(1)} | ${passed} | ${failed} | ${retried} | \`${run.dir}\` |`;
    }),
    '',
    '## Red runs',
    '',
    ...(red.length === 0 ? ['None.'] : red.flatMap((run) => [`- **run ${run.index}** (\`${run.dir}\`):`, ...run.reasons.map((r) => `  - ${cell(r)}`)])),
    '',
    '## Scenarios',
    '',
    'Widest spread first (P95 − P50 of the durations of its passed runs); CV: their coefficient of variation (standard deviation / mean). ' +
      'Pass rate over the runs it ran in; retried: runs in which it needed a second attempt. Durations in seconds.',
    '',
    '| scenario | pass rate | retried | P50 | P95 | max | P95 − P50 | CV |',
    '|---|---|---|---|---|---|---|---|',
    ...spreads.map(
      (s) =>
        `| \`${cell(s.key)}\` | ${s.ran ? `${s.passed}/${s.ran}` : 'skipped'}${s.failed ? ' ❌' : ''} | ${s.retried} | ` +
        `${seconds(s.p50Ms)} | ${seconds(s.p95Ms)} | ${seconds(s.maxMs)} | ${seconds(s.p95Ms - s.p50Ms)} | ${s.passed ? s.cv.toFixed(2) : '—'} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
