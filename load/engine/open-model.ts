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

export type ArrivalOptions = {
  stages: Stage[];
  /** Most iterations running at once; an arrival beyond it is dropped, not queued. */
  maxInFlight: number;
  /** How long to wait, after the last arrival, for running iterations to finish. */
  drainMs: number;
  recorder: Recorder;
  /** One user's iteration; the number is its arrival order (0, 1, 2, …). */
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
  const { stages, maxInFlight, recorder, iteration } = options;
  const bounds = stageBounds(stages);
  const total = bounds.at(-1)!.endCount;
  const arrivalMs = bounds.at(-1)!.endMs;
  let next = 0;
  let started = 0;
  let dropped = 0;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  let lastSecondStarted = 0;
  let lastSecondDropped = 0;
  const begin = performance.now();

  recorder.probe('target rate', () => rateAt(bounds, performance.now() - begin));
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
      const due = Math.min(total, dueBy(bounds, now));
      for (; next < due; next++) {
        recorder.observe('schedule lag', now - scheduledAt(bounds, next));
        if (inFlight >= maxInFlight) {
          dropped++;
          continue;
        }
        inFlight++;
        started++;
        iteration(next).catch(failed).finally(finished);
      }
      if (next >= total) resolve();
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
