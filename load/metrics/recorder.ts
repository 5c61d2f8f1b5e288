import { encodeHistogram, type EncodedHistogram } from './encoded-histogram.ts';
import { latencyHistogram, summarize, type Histogram, type LatencySummary } from './latency.ts';

/** One second of one step, for the latency-over-time and rate charts. */
export type StepSecond = { t: number; count: number; errors: number; p50: number; p95: number; p99: number };

/** One second of one step kept whole, for a merge: `atMs` is the wall-clock time it closed. */
export type EncodedSecond = { atMs: number; errors: number; histogram: EncodedHistogram };

/**
 * What a recorder measured, with its histograms encoded: what a generator of a run on several
 * generators hands to the merge (load/fleet/).
 */
export type RecorderSnapshot = {
  steps: Record<string, { requests: number; errors: number; total: EncodedHistogram; seconds: EncodedSecond[] }>;
  distributions: Record<string, EncodedHistogram>;
  counters: Record<string, number>;
  errorsByCode: Record<string, number>;
  /** Each probe's values, one per second closed; `atMs` the wall-clock time of each. */
  probes: { atMs: number[]; series: Record<string, number[]> };
};

/** Milliseconds since the epoch with performance.now()'s resolution: the clock generators share. */
export const wallClockMs = () => performance.timeOrigin + performance.now();

type Step = {
  requests: number;
  total: Histogram;
  /** Reset every second; its percentiles go into `series`. */
  second: Histogram;
  secondErrors: number;
  errors: number;
  series: StepSecond[];
  /** The same seconds encoded, when the recorder keeps them (a generator's recorder). */
  encoded: EncodedSecond[];
};

/**
 * Everything a run measures: per-step latency (whole run and per second), errors by code,
 * counters and value distributions for scenario figures (e.g. activation wait).
 * All timing is `performance.now()` milliseconds since the recorder was made.
 */
export class Recorder {
  readonly startedAt = performance.now();
  private readonly steps = new Map<string, Step>();
  private readonly errorCodes = new Map<string, number>();
  private readonly counters = new Map<string, number>();
  private readonly distributions = new Map<string, Histogram>();
  private readonly probes = new Map<string, { read: () => number; values: number[] }>();
  private readonly seconds: number[] = [];
  private readonly secondsAt: number[] = [];
  /** Keep every step's per-second histogram encoded, for a merge of several generators. */
  private readonly keepSeconds: boolean;

  constructor(options: { keepSeconds?: boolean } = {}) {
    this.keepSeconds = options.keepSeconds ?? false;
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  private step(name: string): Step {
    let s = this.steps.get(name);
    if (!s) {
      s = { requests: 0, total: latencyHistogram(), second: latencyHistogram(), secondErrors: 0, errors: 0, series: [], encoded: [] };
      this.steps.set(name, s);
    }
    return s;
  }

  /**
   * One request. `latencyMs` (send to last body byte) is there whenever a response came back,
   * whatever its status; `errorCode` when the outcome was unexpected: a status and code such as
   * `409 NOT_READY`, or a transport error such as `ECONNRESET` (then there is no latency).
   */
  request(step: string, latencyMs: number | undefined, errorCode?: string): void {
    const s = this.step(step);
    s.requests++;
    if (latencyMs !== undefined) {
      const us = Math.max(1, Math.round(latencyMs * 1000));
      s.total.recordValue(us);
      s.second.recordValue(us);
    }
    if (errorCode !== undefined) this.error(s, step, errorCode);
  }

  private error(s: Step, step: string, code: string): void {
    s.errors++;
    s.secondErrors++;
    const key = `${step} ${code}`;
    this.errorCodes.set(key, (this.errorCodes.get(key) ?? 0) + 1);
  }

  count(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  counter(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  /** A value (ms) whose distribution is a scenario figure, e.g. how long a user waited to be active. */
  observe(name: string, ms: number): void {
    let h = this.distributions.get(name);
    if (!h) this.distributions.set(name, (h = latencyHistogram()));
    h.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  distributionNames(): string[] {
    return [...this.distributions.keys()];
  }

  distribution(name: string): LatencySummary | undefined {
    const h = this.distributions.get(name);
    return h ? summarize(h) : undefined;
  }

  /** Forgets what was measured so far (after a warm-up); the per-second series and probes stay. */
  reset(): void {
    for (const s of this.steps.values()) {
      s.total.reset();
      s.requests = 0;
      s.errors = 0;
    }
    this.errorCodes.clear();
    this.counters.clear();
    this.distributions.clear();
  }

  /** A value read once a second into a chart series (rates, in-flight, CPU). */
  probe(name: string, read: () => number): void {
    const existing = this.probes.get(name);
    if (existing) existing.read = read; // a later phase takes over the same series
    // NaN for the seconds before the probe existed, so every series lines up with `seconds`.
    else this.probes.set(name, { read, values: this.seconds.map(() => Number.NaN) });
  }

  /** The value a probe read at the last flush. */
  lastProbe(name: string): number {
    return this.probes.get(name)?.values.at(-1) ?? Number.NaN;
  }

  /** Seconds (since start) at which series points were taken, and each probe's values. */
  probeSeries(): { t: number[]; series: Record<string, number[]> } {
    return {
      t: [...this.seconds],
      series: Object.fromEntries([...this.probes].map(([name, p]) => [name, p.values])),
    };
  }

  /** Closes the current second of every step and reads every probe; the ticker calls it once a second. */
  flushSecond(): void {
    const t = Math.round(this.elapsedMs() / 100) / 10;
    const atMs = wallClockMs();
    this.seconds.push(t);
    this.secondsAt.push(atMs);
    for (const p of this.probes.values()) p.values.push(p.read());
    const ms = (us: number) => Math.round(us) / 1000;
    for (const s of this.steps.values()) {
      const h = s.second;
      s.series.push({
        t,
        count: h.totalCount,
        errors: s.secondErrors,
        p50: ms(h.getValueAtPercentile(50)),
        p95: ms(h.getValueAtPercentile(95)),
        p99: ms(h.getValueAtPercentile(99)),
      });
      if (this.keepSeconds) s.encoded.push({ atMs, errors: s.secondErrors, histogram: encodeHistogram(h) });
      h.reset();
      s.secondErrors = 0;
    }
  }

  stepNames(): string[] {
    return [...this.steps.keys()];
  }

  stepSummary(name: string): LatencySummary & { requests: number; errors: number } {
    const s = this.step(name);
    return { ...summarize(s.total), requests: s.requests, errors: s.errors };
  }

  stepRequests(name: string): number {
    return this.steps.get(name)?.requests ?? 0;
  }

  /** P95 so far for the progress line, in ms. */
  p95SoFar(name: string): number {
    const s = this.steps.get(name);
    return s && s.total.totalCount ? s.total.getValueAtPercentile(95) / 1000 : 0;
  }

  stepSeries(name: string): StepSecond[] {
    return this.step(name).series;
  }

  totalRequests(): number {
    let n = 0;
    for (const s of this.steps.values()) n += s.requests;
    return n;
  }

  totalErrors(): number {
    let n = 0;
    for (const s of this.steps.values()) n += s.errors;
    return n;
  }

  errorsByCode(): Record<string, number> {
    return Object.fromEntries([...this.errorCodes.entries()].sort((a, b) => b[1] - a[1]));
  }

  counterValues(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }

  /** Everything measured, histograms encoded (per-second ones only when kept). */
  snapshot(): RecorderSnapshot {
    return {
      steps: Object.fromEntries(
        [...this.steps].map(([name, s]) => [name, { requests: s.requests, errors: s.errors, total: encodeHistogram(s.total), seconds: s.encoded }]),
      ),
      distributions: Object.fromEntries([...this.distributions].map(([name, h]) => [name, encodeHistogram(h)])),
      counters: this.counterValues(),
      errorsByCode: this.errorsByCode(),
      probes: { atMs: [...this.secondsAt], series: this.probeSeries().series },
    };
  }
}
