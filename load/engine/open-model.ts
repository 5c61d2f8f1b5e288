import type { Recorder } from '../metrics/recorder.ts';

/** A constant arrival rate for a while: k6's constant-arrival-rate, one stage at a time. */
export type Stage = { rate: number; durationS: number };

export type ArrivalResult = {
  scheduled: number;
  started: number;
  /** Iterations not started because `maxInFlight` were still running: the generator fell behind. */
  dropped: number;
  /** Iterations still running when the drain time ran out (their requests were bounded anyway). */
  unfinished: number;
  arrivalSeconds: number;
  targetRate: number;
  achievedRate: number;
};

/**
 * One generator's part of a schedule several generators share (`--generator i/n`): arrivals
 * `index`, `index + of`, `index + 2·of`, … of the stages' schedule (index from 0). The parts
 * together are the whole schedule, arrival for arrival: each gets the rate ÷ `of`, and the
 * counts differ by at most one (the first `total mod of` parts get one more).
 */
export type Share = { index: number; of: number };

export const WHOLE: Share = { index: 0, of: 1 };

/** How many of `total` arrivals a share gets. */
export function shareOf(total: number, share: Share): number {
  return total > share.index ? Math.ceil((total - share.index) / share.of) : 0;
}

/** How many arrivals a share gets of one runArrivals over these stages. */
export function arrivalsOf(stages: Stage[], share: Share = WHOLE): number {
  return shareOf(stageBounds(stages).at(-1)!.endCount, share);
}

export type ArrivalOptions = {
  stages: Stage[];
  /** This generator's part of the schedule (default: all of it). */
  share?: Share;
  /** Most iterations running at once; an arrival beyond it is dropped, not queued. */
  maxInFlight: number;
  /** How long to wait, after the last arrival, for running iterations to finish. */
  drainMs: number;
  recorder: Recorder;
  /** One user's iteration; the number is its arrival order among this share's (0, 1, 2, …). */
  iteration: (index: number) => Promise<void>;
};

const TICK_MS = 1;

/**
 * Open model: iterations start on a schedule (index i at the time the stages give it),
 * whether or not earlier ones finished, so a slow system meets the same arrival rate instead
 * of a politely slowed-down client. How late an iteration starts against its schedule is
 * recorded as `schedule lag`, the generator's own health.
 */
export async function runArrivals(options: ArrivalOptions): Promise<ArrivalResult> {
  const { stages, maxInFlight, recorder, iteration, share = WHOLE } = options;
  const bounds = stageBounds(stages);
  const total = shareOf(bounds.at(-1)!.endCount, share);
  const arrivalMs = bounds.at(-1)!.endMs;
  let next = 0;
  let started = 0;
  let dropped = 0;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  let lastSecondStarted = 0;
  let lastSecondDropped = 0;
  const begin = performance.now();

  recorder.probe('target rate', () => rateAt(bounds, performance.now() - begin) / share.of);
  recorder.probe('started/s', () => {
    const n = started - lastSecondStarted;
    lastSecondStarted = started;
    return n;
  });
  recorder.probe('dropped/s', () => {
    const n = dropped - lastSecondDropped;
    lastSecondDropped = dropped;
    return n;
  });
  recorder.probe('in flight', () => inFlight);

  const finished = () => {
    inFlight--;
    if (inFlight === 0) onIdle?.();
  };
  const failed = (error: unknown) => {
    recorder.count('iteration crashed');
    recorder.request('iteration', undefined, (error as Error).message.slice(0, 80));
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now() - begin;
      const due = Math.min(total, shareOf(dueBy(bounds, now), share));
      for (; next < due; next++) {
        recorder.observe('schedule lag', now - scheduledAt(bounds, next * share.of + share.index));
        if (inFlight >= maxInFlight) {
          dropped++;
          continue;
        }
        inFlight++;
        started++;
        iteration(next).catch(failed).finally(finished);
      }
      // A share without arrivals still keeps the stages' timeline.
      if (next >= total && (total > 0 || now >= arrivalMs)) resolve();
      else setTimeout(tick, TICK_MS);
    };
    tick();
  });

  const arrivalSeconds = (performance.now() - begin) / 1000;
  if (inFlight > 0) {
    await new Promise<void>((resolve) => {
      onIdle = resolve;
      setTimeout(resolve, options.drainMs).unref();
    });
  }
  const targetRate = total / (arrivalMs / 1000);
  return {
    scheduled: total,
    started,
    dropped,
    unfinished: inFlight,
    arrivalSeconds,
    targetRate,
    achievedRate: started / arrivalSeconds,
  };
}

type Bound = { startMs: number; endMs: number; startCount: number; endCount: number; rate: number };

function stageBounds(stages: Stage[]): Bound[] {
  const bounds: Bound[] = [];
  let ms = 0;
  let count = 0;
  for (const { rate, durationS } of stages) {
    const n = Math.round(rate * durationS);
    bounds.push({ startMs: ms, endMs: ms + durationS * 1000, startCount: count, endCount: count + n, rate });
    ms += durationS * 1000;
    count += n;
  }
  return bounds;
}

/** How many iterations are due by `ms` after the start. */
function dueBy(bounds: Bound[], ms: number): number {
  for (const b of bounds) {
    if (ms < b.endMs) return b.startCount + Math.floor(((ms - b.startMs) * b.rate) / 1000) + 1;
  }
  return bounds.at(-1)!.endCount;
}

function scheduledAt(bounds: Bound[], index: number): number {
  const b = bounds.find((x) => index < x.endCount) ?? bounds.at(-1)!;
  return b.startMs + ((index - b.startCount) * 1000) / b.rate;
}

function rateAt(bounds: Bound[], ms: number): number {
  return bounds.find((b) => ms < b.endMs)?.rate ?? 0;
}
