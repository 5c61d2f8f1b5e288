import { ApiError } from './errors.ts';
import { envInt, ConfigError } from './config.ts';

/**
 * Per-user request limits, kept in each process's memory: a token bucket per user holding up to
 * `perMinute` requests and refilling at `perMinute` a minute.
 *
 * Why in-process and not a shared Redis counter: the check costs no network round trip, so the
 * hot path (5,000 enters a second) stays as fast as without it, and a Redis failover cannot
 * take the limiter down with it. The price: the limit applies per instance, so behind a load
 * balancer spreading one user over N instances the effective limit is up to N times the setting
 * (set it to the per-user budget divided by the instance count for a strict total). A
 * cluster-wide limit would need the counter inside the operation's own Lua script, under the
 * concert's hash tag, to stay at one round trip.
 */
export type RateLimiter = {
  /** Throws 429 RATE_LIMITED with Retry-After when `key` has used up its budget. */
  take(key: string, now?: number): void;
  readonly perMinute: number;
};

/** Most users remembered per limiter; beyond it the longest-known are forgotten (which only ever lets more through). */
const MAX_TRACKED = 200_000;

export function createRateLimiter(perMinute: number, what: string): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  return {
    perMinute,
    take(key, now = Date.now()) {
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= MAX_TRACKED) buckets.delete(buckets.keys().next().value!);
        bucket = { tokens: perMinute, at: now };
        buckets.set(key, bucket);
      } else {
        bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs);
        bucket.at = now;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      throw new ApiError(429, 'RATE_LIMITED', `too many ${what} requests; retry in ${retryAfterSeconds} s`, {
        'retry-after': String(retryAfterSeconds),
      });
    },
  };
}

/** A limiter that never refuses: what a limit of 0 configures. */
const unlimited: RateLimiter = { perMinute: 0, take: () => undefined };

export type QueueRateLimits = { enter: RateLimiter; status: RateLimiter };

/**
 * RATE_LIMIT_ENTER_PER_MINUTE (default 30) and RATE_LIMIT_STATUS_PER_MINUTE (default 240) per
 * user and instance; 0 turns a limit off. A fan enters once and re-enters rarely; polling
 * follows pollAfterMs (at most one a second), so the defaults leave honest clients ample room.
 */
export function queueRateLimitsFromEnv(): QueueRateLimits {
  const limit = (name: string, fallback: number, what: string) => {
    const perMinute = envInt(name, fallback);
    if (perMinute < 0) throw new ConfigError(`${name} must be 0 (off) or more`);
    return perMinute === 0 ? unlimited : createRateLimiter(perMinute, what);
  };
  return {
    enter: limit('RATE_LIMIT_ENTER_PER_MINUTE', 30, 'enter'),
    status: limit('RATE_LIMIT_STATUS_PER_MINUTE', 240, 'status'),
  };
}
