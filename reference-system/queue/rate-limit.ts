import { ApiError } from '../shared/errors.ts';
import { envInt, ConfigError } from '../shared/config.ts';

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

/**
 * Most users remembered per limiter: two generations of at most half this each. When the
 * current one is full the older one is forgotten at once (which only ever lets more through).
 * Evicting one user at a time from the front of a Map looked cheaper and was not: V8 leaves the
 * deleted slots in place, so finding the oldest live key scans them, and a rush of 310,000 fans
 * on one instance ran the queue at a third of its speed (enter-capacity, docs/load.md).
 */
const MAX_TRACKED = 200_000;
/** Times are kept relative to an epoch this recent, so each stays a small integer (V8 Smi). */
const REBASE_AFTER_MS = 2 ** 29;

/**
 * A token bucket of `perMinute` requests refilling at `perMinute` a minute, kept as the generic
 * cell rate algorithm does: per user one number, the time at which their bucket is full again.
 * One small integer per user and no object: in a rush every fan is a new key, and the
 * {tokens, at} objects this replaced were 8 MB of a queue instance's 28 MB heap after 150,000
 * entries (heap snapshot during entry-scale).
 */
export function createRateLimiter(perMinute: number, what: string): RateLimiter {
  const costMs = 60_000 / perMinute; // what one request takes out of a full minute's budget
  let fullAt = new Map<string, number>();
  let older = new Map<string, number>();
  let epoch: number | undefined;
  return {
    perMinute,
    take(key, now = Date.now()) {
      if (epoch === undefined || now < epoch || now - epoch > REBASE_AFTER_MS) {
        // Forgetting every user only ever lets more through.
        fullAt.clear();
        older.clear();
        epoch = now;
      }
      const t = now - epoch;
      const previous = fullAt.get(key) ?? older.get(key);
      const next = Math.max(previous ?? t, t) + costMs;
      if (next - t <= 60_000) {
        fullAt.set(key, next);
        if (fullAt.size >= MAX_TRACKED / 2) {
          older = fullAt;
          fullAt = new Map();
        }
        return;
      }
      const retryAfterSeconds = Math.max(1, Math.ceil((next - t - 60_000) / 1000));
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
