import type { Pool } from 'pg';
import type { Logger } from '../shared/logger.ts';
import type { CoreMetrics } from './core-metrics.ts';
import { expireOldestLapsedHolds } from './reservations.ts';
import { runEvery } from '../shared/run-every.ts';

const BATCH = 500;

/**
 * Expires lapsed holds in batches, so held seats come back even when nobody asks about them.
 * Several core instances may sweep at once: SKIP LOCKED gives each different rows.
 */
export async function sweepLapsedHolds(pool: Pool, metrics?: CoreMetrics): Promise<number> {
  let total = 0;
  for (;;) {
    const expired = await expireOldestLapsedHolds(pool, BATCH);
    total += expired;
    if (expired < BATCH) break;
  }
  if (total) metrics?.holdsExpired.inc({ by: 'sweeper' }, total);
  return total;
}

/** Runs the sweep every `intervalMs`, one run at a time; a failed run is logged and retried next tick. */
export function startHoldSweeper(deps: { pool: Pool; logger: Logger; metrics?: CoreMetrics }, intervalMs: number) {
  return runEvery(
    intervalMs,
    () => sweepLapsedHolds(deps.pool, deps.metrics),
    (error) => deps.logger.warn('hold_sweep_failed', { cause: error.message }),
  );
}
