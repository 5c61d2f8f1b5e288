import type { Recorder } from '../metrics/recorder.ts';
import { threshold, type Threshold } from '../scenario.ts';

/** Where the steps' latency comes from: a run's recorder, or the merge of several generators'. */
type Steps = Pick<Recorder, 'stepRequests' | 'stepSummary'>;

/**
 * The original team's Phase 5 (core service) thresholds: seat list P95 < 500 ms, reservation
 * P95 < 1 s, payment P95 < 2 s. Seed thresholds, so they decide the exit code.
 */
export const PHASE5_P95_MS = { seats: 500, reserve: 1_000, pay: 2_000 } as const;

export function phase5Thresholds(recorder: Steps, suffix = ''): Threshold[] {
  return (Object.entries(PHASE5_P95_MS) as [keyof typeof PHASE5_P95_MS, number][]).map(([step, limit]) =>
    threshold(`${step} P95${suffix}`, 'seed', recorder.stepRequests(`${step}${suffix}`) ? recorder.stepSummary(`${step}${suffix}`).p95 : null, '<', limit, 'ms'),
  );
}
