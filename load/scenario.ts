import type { adminClient } from './admin.ts';
import type { ArrivalResult, Share } from './engine/open-model.ts';
import type { LoadHttp } from './engine/http.ts';
import type { LatencySummary } from './metrics/latency.ts';
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

/** Does the run pass: every `seed` threshold, and under --gate=targets every `target` one too. */
export function verdict(thresholds: Threshold[], gate: 'seed' | 'targets'): boolean {
  return thresholds.filter((t) => gate === 'targets' || t.level === 'seed').every((t) => t.pass);
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
  /** Unique per run (shared by a run's generators): concert ids and user ids carry it, so runs never collide. */
  runId: string;
  /** This generator's part of the run's arrivals and users (--generator i/n); all of it on one generator. */
  share: Share;
  /**
   * Resolves when the timeline begins, on every generator at once: called after the stage is
   * set, before the first arrival. At once on one generator; with --generator, at --start-at.
   */
  startLine(): Promise<void>;
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
  /** Present when the scenario runs on several generators too (--generator i/n, load:merge). */
  fleet?: FleetScenario;
};

/**
 * A scenario split for several generators (docs/load.md, "Several generators"): `drive` is what
 * one generator does with its share; `judge` checks the run over every generator's fans and the
 * target's state, once all of them finished. On one generator, `run` is the two in a row
 * (driveAndJudge), so both paths run the same checks.
 */
export type FleetScenario = {
  drive(ctx: ScenarioContext): Promise<Driven>;
  judge(ctx: JudgeContext): Promise<ScenarioOutcome>;
};

export type Driven = {
  phases: Record<string, ArrivalResult>;
  /** This generator's users, numbered `first` … `first + count - 1` (every generator's together: 0 … n-1). */
  users: { first: number; count: number };
  /** Figures only this generator can tell (on several generators, each is reported with its label). */
  figures: Record<string, Figure>;
  notes: string[];
  /** What the checks need of this generator's fans, as JSON (it travels in the generator's file). */
  fans: unknown;
};

export type JudgeContext = Pick<ScenarioContext, 'target' | 'http' | 'admin' | 'log' | 'smoke' | 'runId' | 'scale' | 'timeScale' | 'status'> & {
  generators: number;
  /** A step's latency, requests and errors over every generator (histograms merged). */
  step(name: string): LatencySummary & { requests: number; errors: number };
  /** A distribution over every generator (histograms merged), if any generator observed it. */
  distribution(name: string): LatencySummary | undefined;
  /** A counter summed over every generator. */
  counter(name: string): number;
  /** Each phase over every generator: counts and rates added. */
  phases: Record<string, ArrivalResult>;
  /** Each generator's `fans`, in generator order. */
  fans: unknown[];
  /** How far apart the generators' clocks may be: order across generators is only compared beyond it. */
  clockSkewMs: number;
};

/** A fleet scenario on one generator: drive, then judge its own fans. */
export async function driveAndJudge(fleet: FleetScenario, ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const driven = await fleet.drive(ctx);
  const outcome = await fleet.judge({
    ...ctx,
    generators: 1,
    step: (name) => ctx.recorder.stepSummary(name),
    distribution: (name) => ctx.recorder.distribution(name),
    counter: (name) => ctx.recorder.counter(name),
    phases: driven.phases,
    fans: [driven.fans],
    clockSkewMs: 0,
  });
  return { ...outcome, figures: { ...outcome.figures, ...driven.figures }, notes: [...driven.notes, ...outcome.notes] };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
