import { envInt } from '../shared/config.ts';

/** Per-concert waiting-room policy, stored in the concert's policy hash in Redis. */
export type QueuePolicy = {
  activeLimit: number;
  admitPerSecond: number;
  readyTtlSeconds: number;
  activeIdleSeconds: number;
  holdSeconds: number;
  /** An ACTIVE turn ends this long after it started, however busy (unless extended). */
  sessionSeconds: number;
  /** How many times a shopper may move her session deadline on by sessionSeconds. */
  maxExtensions: number;
};

export function defaultQueuePolicy(): QueuePolicy {
  return {
    activeLimit: envInt('DEFAULT_ACTIVE_LIMIT', 1000),
    admitPerSecond: envInt('DEFAULT_ADMIT_PER_SECOND', 200),
    readyTtlSeconds: envInt('DEFAULT_READY_TTL_SECONDS', 60),
    activeIdleSeconds: envInt('DEFAULT_ACTIVE_IDLE_SECONDS', 300),
    holdSeconds: envInt('DEFAULT_HOLD_SECONDS', 300),
    sessionSeconds: envInt('DEFAULT_SESSION_SECONDS', 600),
    maxExtensions: envInt('DEFAULT_MAX_EXTENSIONS', 2),
  };
}

export const POLICY_LIMITS: Record<keyof QueuePolicy, [number, number]> = {
  activeLimit: [1, 1_000_000],
  admitPerSecond: [1, 100_000],
  readyTtlSeconds: [1, 86_400],
  activeIdleSeconds: [1, 86_400],
  holdSeconds: [1, 86_400],
  sessionSeconds: [1, 86_400],
  maxExtensions: [0, 10],
};

export function parsePolicy(hash: Record<string, string>, fallback: QueuePolicy): QueuePolicy {
  const read = (k: keyof QueuePolicy) => (hash[k] === undefined ? fallback[k] : Number(hash[k]));
  return {
    activeLimit: read('activeLimit'),
    admitPerSecond: read('admitPerSecond'),
    readyTtlSeconds: read('readyTtlSeconds'),
    activeIdleSeconds: read('activeIdleSeconds'),
    holdSeconds: read('holdSeconds'),
    sessionSeconds: read('sessionSeconds'),
    maxExtensions: read('maxExtensions'),
  };
}

/**
 * When a concert's sale opens (queue/draw.ts, lua/enter.lua): ISO instants, or null. null
 * saleStartsAt: on sale now. Before preQueueOpensAt entering is refused; from then until
 * saleStartsAt fans join the pre-queue, whose order is drawn.
 */
export type SaleSchedule = { preQueueOpensAt: string | null; saleStartsAt: string | null };
export const SCHEDULE_FIELDS = ['preQueueOpensAt', 'saleStartsAt'] as const;

/** The schedule as stored in the policy hash (epoch ms), as the contract gives it. */
export function parseSchedule(hash: Record<string, string>): SaleSchedule {
  const instant = (field: string) => (hash[field] === undefined ? null : new Date(Number(hash[field])).toISOString());
  return { preQueueOpensAt: instant('preQueueOpensAt'), saleStartsAt: instant('saleStartsAt') };
}
