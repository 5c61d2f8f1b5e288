import type { adminClient } from './admin.ts';
import type { ArrivalResult } from './engine/open-model.ts';
import type { LoadHttp } from './engine/http.ts';
import type { Recorder } from './metrics/recorder.ts';
import type { LoadTarget } from './target.ts';

/**
 * A pass/fail line of the report. `seed` lines are the original team's k6 thresholds and decide
 * the exit code; `target` lines are this repository's speed goals for a 2-core machine, reported
 * always and gating only with --gate=targets.
 */
export type Threshold = {
  name: string;
  level: 'seed' | 'target';
  actual: number | null;
  op: '<' | '<=' | '>' | '>=' | '==';
  limit: number;
  unit: string;
  pass: boolean;
};

export function threshold(
  name: string,
  level: Threshold['level'],
  actual: number | null | undefined,
  op: Threshold['op'],
  limit: number,
  unit = '',
): Threshold {
  const a = actual === undefined || actual === null || Number.isNaN(actual) ? null : actual;
  const pass =
    a !== null &&
    (op === '<' ? a < limit : op === '<=' ? a <= limit : op === '>' ? a > limit : op === '>=' ? a >= limit : a === limit);
  return { name, level, actual: a, op, limit, unit, pass };
}

export type Figure = number | string | boolean | null;

export type ScenarioOutcome = {
  /** Open-model phases by name (e.g. "enter", "poll"): target vs achieved rate, dropped. */
  phases: Record<string, ArrivalResult>;
  /** Scenario figures: activation wait, circulation, final queue size, FIFO violations, … */
  figures: Record<string, Figure>;
  thresholds: Threshold[];
  notes: string[];
};

export type ScenarioContext = {
  target: LoadTarget;
  http: LoadHttp;
  admin: ReturnType<typeof adminClient>;
  recorder: Recorder;
  log: (line: string) => void;
  smoke: boolean;
  /** Unique per run: concert ids and user ids carry it, so runs never collide. */
  runId: string;
  /** --scale: multiplies rates (not durations), e.g. 0.5 for a weaker machine. */
  scale: number;
  /** --time-scale: multiplies phase durations, e.g. 0.25 for a quick look at full rate. */
  timeScale: number;
  /** --status: how waiting fans follow their place, by polling GET /status or on a status stream. */
  status: StatusWay;
  /** --shards: the shards entry-scale's and sale-opening's concert is spread over (1: one slot, the default). */
  shards: number;
  /** The steps whose P95 the live progress line shows. */
  showSteps(...steps: string[]): void;
};

export type StatusWay = 'poll' | 'stream';

export type Scenario = {
  name: string;
  summary: string;
  /** Settings the managed services need for this scenario (documented in docs/load.md). */
  serviceEnv?: Record<string, string>;
  /**
   * True when the scenario measures a variant B itself, side by side (alternating rounds, or
   * one race per side). Otherwise `npm run load` runs it once against each side in turn.
   */
  measuresVariantB?: boolean;
  /** True when the scenario's waiting fans follow --status: it runs once per way named. */
  followsStatus?: boolean;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
};

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
