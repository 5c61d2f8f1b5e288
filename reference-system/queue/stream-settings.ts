import { ConfigError, envInt } from '../shared/config.ts';
import { DEFAULT_STREAM_SETTINGS } from './status-streams.ts';

/** QUEUE_STREAM_LIMIT: most status streams one instance serves at once (0: none, every fan polls). */
export function streamLimitFromEnv(): number {
  const limit = envInt('QUEUE_STREAM_LIMIT', DEFAULT_STREAM_SETTINGS.limit);
  if (limit < 0 || limit > 100_000) throw new ConfigError('QUEUE_STREAM_LIMIT must be 0-100000');
  return limit;
}
