/** The generated-mutant run's record and its report (reports/mutation-generated.md; the last one is kept in docs/mutation.md). */
import { readFileSync, writeFileSync } from 'node:fs';
import { triage, triageKey } from './triage.ts';
import { wilson } from './sample.ts';

/**
 * Stryker's outcomes, and `not judged`: the suite failed without a failed scenario (in the first
 * campaign, the gate's slowdown rule, since turned off for mutant runs), so neither killed nor
 * survived; left out of the rate like a runtime error, and run again by --resume.
 */
export type Status = 'killed' | 'survived' | 'timeout' | 'no coverage' | 'runtime error' | 'not judged';

export type Outcome = {
  id: string;
  file: string;
  line: number;
  column: number;
  mutator: string;
  original: string;
  replacement: string;
  status: Status;
  /** The first scenario that failed, and its first error line. */
  by?: string;
  error?: string;
  seconds: number;
  /** Set by --rerun: what the first run against this mutant found, before gaps were closed. */
  firstRun?: { status: Status; by?: string };
};

export type RunRecord = {
  date: string;
  commit: string;
  seed: number;
  /** How many mutants there were to draw from. */
  frame: { typescript: number; lua: number; files: number };
  sampleSizes: { typescript: number; lua: number };
  unchangedSeconds?: number;
  /** Set by --rerun: the commit and date of the suite that ran the survivors again. */
  rerunCommit?: string;
  rerunDate?: string;
  outcomes: Outcome[];
};

const oneLine = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return (flat.length > max ? `${flat.slice(0, max - 1)}…` : flat).replace(/\|/g, '\\|').replace(/`/g, "'");
};

/** Counts, the kill rate over the non-equivalent mutants with its 95 % Wilson interval, per language. */
export function tally(outcomes: Outcome[]) {
  const count = (status: Status) => outcomes.filter((o) => o.status === status).length;
  const undetected = outcomes.filter((o) => o.status === 'survived' || o.status === 'no coverage');
  const equivalent = undetected.filter((o) => triage[triageKey(o)]?.verdict === 'equivalent').length;
  const detected = count('killed') + count('timeout');
  const judged = detected + undetected.length - equivalent;
  return {
    killed: count('killed'),
    survived: count('survived'),
    timeout: count('timeout'),
    noCoverage: count('no coverage'),
    runtimeError: count('runtime error') + count('not judged'),
    equivalent,
    detected,
    judged,
    rate: judged ? detected / judged : 0,
    interval: wilson(detected, judged),
  };
}

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

export function renderReport(record: RunRecord): string {
  const parts: string[] = [
    `Run of ${record.date.slice(0, 10)} on commit \`${record.commit.slice(0, 12)}\`${record.commit.length > 40 ? record.commit.slice(40) : ''}, seed **${record.seed}**: ` +
      `${record.sampleSizes.typescript} of the ${record.frame.typescript} TypeScript mutants Stryker generates over ${record.frame.files} files, ` +
      `${record.sampleSizes.lua} of the ${record.frame.lua} Lua mutants. The unchanged system passed every scenario${record.unchangedSeconds ? ` in ${record.unchangedSeconds} s` : ''}.` +
      (record.rerunCommit ? ` The mutants it left alive ran again on ${record.rerunDate?.slice(0, 10)} against the suite of commit \`${record.rerunCommit.slice(0, 12)}\` (same reference system and Lua).` : ''),
    '',
    '| mutants | drawn | run so far | killed | timeout | survived | no coverage | runtime error or not judged | equivalent | kill rate (non-equivalent) | 95 % Wilson interval |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  const languages: [string, Outcome[], number][] = [
    ['TypeScript (Stryker)', record.outcomes.filter((o) => !o.id.startsWith('lua:')), record.sampleSizes.typescript],
    ['Lua (own operators)', record.outcomes.filter((o) => o.id.startsWith('lua:')), record.sampleSizes.lua],
  ];
  const row = (name: string, outcomes: Outcome[], drawn: number) => {
    const t = tally(outcomes);
    return `| ${name} | ${drawn} | ${outcomes.length} | ${t.killed} | ${t.timeout} | ${t.survived} | ${t.noCoverage} | ${t.runtimeError} | ${t.equivalent} | ${t.detected} / ${t.judged} = **${percent(t.rate)}** | ${percent(t.interval.low)} – ${percent(t.interval.high)} |`;
  };
  for (const [name, outcomes, drawn] of languages) {
    if (!drawn) continue;
    if (outcomes.some((o) => o.firstRun)) {
      parts.push(row(`${name}, first run`, outcomes.map((o) => (o.firstRun ? { ...o, ...o.firstRun } : o)), drawn));
      parts.push(row(`${name}, after closing gaps`, outcomes, drawn));
    } else parts.push(row(name, outcomes, drawn));
  }
  parts.push('', '### Every mutant not killed, triaged', '', '| mutant | where | change | outcome | triage | why |', '|---|---|---|---|---|---|');
  for (const o of record.outcomes.filter((o) => o.status !== 'killed' && o.status !== 'timeout')) {
    const t = triage[triageKey(o)];
    parts.push(
      `| ${o.id} | ${o.file}:${o.line}:${o.column} | ${o.mutator}: \`${oneLine(o.original, 70)}\` → \`${oneLine(o.replacement, 50)}\` | ${o.status}${o.error ? `: ${oneLine(o.error, 80)}` : ''} | ${t?.verdict ?? '**not triaged**'} | ${t ? oneLine(t.why, 400) : ''} |`,
    );
  }
  parts.push('', '<details><summary>Every mutant killed, and by which scenario</summary>', '', '| mutant | where | change | killed by | s |', '|---|---|---|---|---:|');
  for (const o of record.outcomes.filter((o) => o.status === 'killed' || o.status === 'timeout')) {
    const closed = o.firstRun ? ` (a gap: it ${o.firstRun.status === 'no coverage' ? 'was not reached' : 'survived'} the first run)` : '';
    parts.push(`| ${o.id} | ${o.file}:${o.line}:${o.column} | ${o.mutator}: \`${oneLine(o.original, 60)}\` → \`${oneLine(o.replacement, 40)}\` | ${o.status === 'timeout' ? 'timeout' : oneLine(o.by ?? '', 120)}${closed} | ${o.seconds} |`);
  }
  parts.push('', '</details>', '');
  return parts.join('\n');
}

const BEGIN = '<!-- last result: written by npm run mutation:generated -- --docs -->';
const END = '<!-- end of last result -->';

/** Replaces the last result in `docsFile` (between its markers) with `report`. */
export function writeLastResult(docsFile: string, report: string): void {
  const text = readFileSync(docsFile, 'utf8');
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  if (from === -1 || to < from) throw new Error(`${docsFile} has no last-result markers`);
  writeFileSync(docsFile, `${text.slice(0, from + BEGIN.length)}\n\n${report.trim()}\n\n${text.slice(to)}`);
}
