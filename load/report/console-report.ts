import type { LoadReport } from './load-report.ts';

/** The report as plain console tables: steps, phases, figures, thresholds. */
export function printReport(report: LoadReport, out: (line: string) => void = console.log): void {
  out('');
  out(`== ${report.scenario}${report.variant === 'smoke' ? ' (smoke)' : ''}: ${report.summary}`);
  out(`   ${report.durationS.toFixed(1)} s, ${report.target.kind} target, ${report.target.queueInstances} queue instance(s), ${report.machine.cpus} CPUs, node ${report.machine.node}`);
  if (report.generators) {
    out(`   merged from ${report.generators.length} generator(s): ${report.generators.map((g) => `${g.generator} on ${g.hostname} (users ${g.users.first}–${g.users.first + g.users.count - 1}, ${g.requests} requests)`).join(', ')}`);
  }
  if (report.error) out(`   !! the scenario stopped early: ${report.error}`);

  const phases = Object.entries(report.phases);
  if (phases.length) {
    out('');
    table(
      out,
      ['phase', 'target/s', 'achieved/s', 'started', 'dropped', 'unfinished', 'seconds'],
      phases.map(([name, p]) => [name, fmt(p.targetRate), fmt(p.achievedRate), p.started, p.dropped, p.unfinished, fmt(p.arrivalSeconds)]),
    );
  }

  out('');
  table(
    out,
    ['step', 'requests', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    Object.entries(report.steps).map(([name, s]) => [name, s.requests, s.errors, s.p50, s.p95, s.p99, s.max]),
  );

  const dists = Object.entries(report.distributions);
  if (dists.length) {
    out('');
    table(out, ['distribution', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], dists.map(([n, d]) => [n, d.count, d.p50, d.p95, d.p99, d.max]));
  }

  const errors = Object.entries(report.errorsByCode);
  if (errors.length) {
    out('');
    table(out, ['errors by step and code', 'count'], errors.slice(0, 20));
  }

  out('');
  table(out, ['figure', 'value'], Object.entries(report.figures).map(([k, v]) => [k, v === null ? '—' : String(v)]));
  out('');
  table(out, ['cpu', 'ms', '% of one core', 'µs per request'], report.cpu.map((c) => [c.name, c.cpuMs, c.percentOfOneCore, c.microsPerRequest]));
  out('');
  table(
    out,
    ['threshold', 'level', 'actual', 'limit', 'result'],
    report.thresholds.map((t) => [t.name, t.level, t.actual === null ? '—' : `${t.actual}${t.unit ? ' ' + t.unit : ''}`, `${t.op} ${t.limit}${t.unit ? ' ' + t.unit : ''}`, t.pass ? 'pass' : 'FAIL']),
  );
  for (const note of report.notes) out(`   note: ${note}`);
  out(`   ${report.passed ? 'PASSED' : 'FAILED'} (gate: ${report.gate} thresholds)`);
}

const fmt = (x: number) => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : '—');

function table(out: (line: string) => void, head: string[], rows: unknown[][]): void {
  const cells = [head, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '  ' + r.map((c, i) => (i === 0 ? (c ?? '').padEnd(widths[i]) : (c ?? '').padStart(widths[i]))).join('  ');
  out(line(head));
  out('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) out(line(r));
}
