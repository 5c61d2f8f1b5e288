import * as hdr from 'hdr-histogram-js';

/**
 * Latency of one step in microseconds, as an HDR histogram: exact-enough percentiles (3
 * significant digits) at a fixed memory cost, however many requests a run makes.
 */
export function latencyHistogram() {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000, // 120 s: longer than any request timeout
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    useWebAssembly: false,
  });
}

export type Histogram = ReturnType<typeof latencyHistogram>;

export type LatencySummary = { count: number; p50: number; p95: number; p99: number; max: number; mean: number };

/** Percentiles in milliseconds. */
export function summarize(h: Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}
