import type { Cluster } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import { OPEN_ROOMS_KEY } from '../waiting-room/keys.ts';
import type { Rooms } from '../waiting-room/rooms.ts';
import type { QueueMetrics } from './queue-metrics.ts';

export type PromoterOptions = {
  intervalMs: number;
  /**
   * Most entries one script run expires plus admits. Bounds how long one run blocks Redis:
   * 200 take about 1 ms with 300,000 waiting (test/lua/promote-performance.test.ts).
   */
  batch: number;
  /** Length of one window over which the admission rate is measured (wait estimates). */
  rateWindowMs: number;
  /**
   * Most runs per concert per step while each run uses its whole batch, so catching up stays
   * bounded: with the defaults up to 50 × 200 = 10,000 admissions per second per instance.
   */
  maxRunsPerStep?: number;
  /**
   * A sharded room's admission batch is its run's for this long; a run that stopped midway (its
   * instance died) is finished by the next run after it (waiting-room/sharded-admission.ts).
   * Default: two intervals, at least 500 ms.
   */
  leaseMs?: number;
};

/**
 * Every instance runs a promoter; each run is one atomic script per concert (a journaled batch
 * of a few scripts on a sharded room), so concurrent promoters never admit twice or beyond
 * capacity, and no leader is needed. When a run uses its whole batch the promoter runs again at
 * once: other clients' commands get in between runs.
 */
export function startPromoter(
  deps: { redis: Cluster; rooms: Rooms; logger: Logger; metrics?: QueueMetrics },
  options: PromoterOptions,
) {
  const { redis, rooms, logger, metrics } = deps;
  const burstSeconds = Math.max(1, options.intervalMs / 1000);
  const maxRuns = options.maxRunsPerStep ?? 50;
  const admission = { budget: options.batch, burstSeconds, rateWindowMs: options.rateWindowMs, leaseMs: options.leaseMs ?? Math.max(500, 2 * options.intervalMs) };
  let current: Promise<void> | undefined;

  const tend = async (concertId: string) => {
    let admittedTotal = 0;
    let expiredTotal = 0;
    for (let run = 0; run < maxRuns; run++) {
      const started = performance.now();
      const { admitted, expired, more, latenciesMs, cutSpreadUs } = await rooms.promote(concertId, admission);
      metrics?.promoteStepTook((performance.now() - started) / 1000);
      if (cutSpreadUs !== undefined) metrics?.cutSpread(cutSpreadUs / 1e6);
      metrics?.admitted(concertId, latenciesMs);
      admittedTotal += admitted;
      expiredTotal += expired;
      if (!more) break;
    }
    if (admittedTotal || expiredTotal) logger.info('promoted', { concertId, admitted: admittedTotal, expired: expiredTotal });
  };

  const step = async () => {
    // One step at a time per instance: a slow Redis must not pile steps up.
    if (current) return current;
    current = (async () => {
      try {
        const rooms = await redis.smembers(OPEN_ROOMS_KEY);
        const results = await Promise.allSettled(rooms.map(tend));
        const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
        if (failed.length) {
          metrics?.promoterFailed();
          logger.warn('promoter_step_failed', { rooms: failed.length, cause: (failed[0].reason as Error).message });
        }
      } catch (error) {
        metrics?.promoterFailed();
        logger.warn('promoter_step_failed', { cause: (error as Error).message });
      } finally {
        current = undefined;
      }
    })();
    return current;
  };

  const timer = setInterval(step, options.intervalMs);
  return {
    step,
    /** Stops the timer and waits for a step in flight, so Redis can be closed after. */
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}

export type Promoter = ReturnType<typeof startPromoter>;
