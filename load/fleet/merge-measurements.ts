import type { ArrivalResult } from '../engine/open-model.ts';
import { mergeEncoded, type EncodedHistogram } from '../metrics/encoded-histogram.ts';
import { summarize, type LatencySummary } from '../metrics/latency.ts';
import type { StepSecond } from '../metrics/recorder.ts';
import type { LoadReport } from '../report/load-report.ts';
import type { GeneratorFile } from './generator-file.ts';
import { generatorLabel } from './generator-share.ts';

/** Probes whose values add up over generators; every other probe (CPU) is shown per generator. */
const ADDITIVE_PROBES = new Set(['target rate', 'started/s', 'dropped/s', 'in flight', 'requests/s']);

export type MergedMeasurements = Pick<LoadReport, 'steps' | 'distributions' | 'counters' | 'errorsByCode' | 'phases' | 'series' | 'cpu'>;

/**
 * What the generators of one run measured, as one run would have: latency histograms added
 * (percentiles as exact as one histogram fed every request), counters, errors and arrivals
 * summed, and the per-second series put together second by second after the start line (the
 * generators close their seconds at whole seconds after it).
 */
export function mergeMeasurements(files: GeneratorFile[]): MergedMeasurements {
  const startLineMs = Date.parse(files[0].startLine);
  const secondOf = (atMs: number) => Math.round((atMs - startLineMs) / 1000);
  const label = (f: GeneratorFile) => generatorLabel({ index: f.generator.i - 1, of: f.generator.n });

  const stepNames = unique(files.flatMap((f) => Object.keys(f.recorded.steps)));
  const steps: MergedMeasurements['steps'] = {};
  const stepSeries: Record<string, StepSecond[]> = {};
  for (const name of stepNames) {
    const parts = files.map((f) => f.recorded.steps[name]).filter((s) => s !== undefined);
    steps[name] = {
      ...summarize(mergeEncoded(parts.map((s) => s.total))),
      requests: sum(parts.map((s) => s.requests)),
      errors: sum(parts.map((s) => s.errors)),
    };
    const bySecond = new Map<number, { errors: number; histograms: EncodedHistogram[] }>();
    for (const s of parts.flatMap((p) => p.seconds)) {
      const t = secondOf(s.atMs);
      const second = bySecond.get(t) ?? { errors: 0, histograms: [] };
      second.errors += s.errors;
      second.histograms.push(s.histogram);
      bySecond.set(t, second);
    }
    stepSeries[name] = [...bySecond]
      .sort(([a], [b]) => a - b)
      .map(([t, second]) => {
        const h = summarize(mergeEncoded(second.histograms));
        return { t, count: h.count, errors: second.errors, p50: h.p50, p95: h.p95, p99: h.p99 };
      });
  }

  const t = unique(files.flatMap((f) => f.recorded.probes.atMs.map(secondOf))).sort((a, b) => a - b);
  const probes: Record<string, number[]> = {};
  for (const f of files) {
    const at = f.recorded.probes.atMs.map(secondOf);
    for (const [name, values] of Object.entries(f.recorded.probes.series)) {
      const additive = ADDITIVE_PROBES.has(name);
      const merged = additive ? name : `generator ${label(f)} ${name.replace(/^generator /, '')}`;
      const series = (probes[merged] ??= t.map(() => Number.NaN));
      values.forEach((value, k) => {
        const slot = t.indexOf(at[k]);
        if (!Number.isFinite(value)) return;
        series[slot] = additive && Number.isFinite(series[slot]) ? series[slot] + value : value;
      });
    }
  }

  const phaseNames = unique(files.flatMap((f) => Object.keys(f.phases)));
  const phases = Object.fromEntries(phaseNames.map((name) => [name, mergePhase(files.map((f) => f.phases[name]).filter((p) => p !== undefined))]));

  return {
    steps,
    distributions: Object.fromEntries(
      unique(files.flatMap((f) => Object.keys(f.recorded.distributions))).map((name) => [
        name,
        summarize(mergeEncoded(files.map((f) => f.recorded.distributions[name]).filter((d) => d !== undefined))),
      ]),
    ),
    counters: addUp(files.map((f) => f.recorded.counters)),
    errorsByCode: Object.fromEntries(Object.entries(addUp(files.map((f) => f.recorded.errorsByCode))).sort((a, b) => b[1] - a[1])),
    phases,
    series: { t, probes, steps: stepSeries },
    cpu: files.map((f) => ({ name: `generator ${label(f)}`, ...f.cpu })),
  };
}

/**
 * One phase over every generator: counts and target rates added; the achieved rate is every
 * start over the longest generator's arrival time.
 */
export function mergePhase(parts: ArrivalResult[]): ArrivalResult {
  const arrivalSeconds = Math.max(...parts.map((p) => p.arrivalSeconds));
  const started = sum(parts.map((p) => p.started));
  return {
    scheduled: sum(parts.map((p) => p.scheduled)),
    started,
    dropped: sum(parts.map((p) => p.dropped)),
    unfinished: sum(parts.map((p) => p.unfinished)),
    arrivalSeconds,
    targetRate: sum(parts.map((p) => p.targetRate)),
    achievedRate: started / arrivalSeconds,
  };
}

/** A step no generator made: what a recorder says of one it never saw. */
export function emptyStep(): LatencySummary & { requests: number; errors: number } {
  return { ...summarize(mergeEncoded([])), requests: 0, errors: 0 };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const unique = <T>(xs: T[]) => [...new Set(xs)];

function addUp(records: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r)) total[k] = (total[k] ?? 0) + v;
  return total;
}
