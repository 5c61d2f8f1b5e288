import { ConfigError, envInt } from '../shared/config.ts';
import type { PromoterOptions } from './promoter.ts';

/** Admissions + expiries in one promote run unless PROMOTER_BATCH says otherwise (docs/benchmarks.md: sale-opening). */
export const DEFAULT_PROMOTER_BATCH = 100;

/** Promoter settings from the environment, checked at start-up rather than at the first step. */
export function promoterSettings(): PromoterOptions {
  const settings = {
    intervalMs: envInt('PROMOTER_INTERVAL_MS', 1000),
    batch: envInt('PROMOTER_BATCH', DEFAULT_PROMOTER_BATCH),
    rateWindowMs: envInt('ADMISSION_RATE_WINDOW_MS', 5000),
  };
  if (settings.intervalMs < 50 || settings.intervalMs > 60_000) throw new ConfigError('PROMOTER_INTERVAL_MS must be 50-60000');
  // Lua's unpack() takes at most a few thousand values: the batch is passed to it whole.
  if (settings.batch < 1 || settings.batch > 2000) throw new ConfigError('PROMOTER_BATCH must be 1-2000');
  if (settings.rateWindowMs < 100) throw new ConfigError('ADMISSION_RATE_WINDOW_MS must be at least 100');
  return settings;
}
