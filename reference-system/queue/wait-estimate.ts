/**
 * What a fan is told about the wait, and how long the client should sleep before asking again.
 * Pure functions, so the rules are tested without Redis (test/queue/wait-estimate.test.ts).
 */

/** Longer than this the estimate says nothing useful; also the answer when nobody is let in. */
export const MAX_ESTIMATE_SECONDS = 24 * 60 * 60;
export const MIN_POLL_MS = 1000;
export const MAX_POLL_MS = 60_000;
/** Extra sleep per place in the queue: the back of a long queue asks much less often. */
const POLL_MS_PER_POSITION = 20;

/** What the room knows when a fan asks: see estimate_basis in lua/lib/common.lua. */
export type EstimateBasis = {
  /** Admissions per second the promoters measured; null until a first window was measured. */
  measuredRate: number | null;
  /** The policy's admitPerSecond: nobody is ever admitted faster. */
  admitPerSecond: number;
  readyTtlSeconds: number;
};

export function waitAdvice(position: number | null, basis: EstimateBasis) {
  const estimate = estimatedWaitSeconds(position, basis.measuredRate ?? basis.admitPerSecond);
  return {
    estimatedWaitSeconds: estimate,
    pollAfterMs: pollAfterMs(position, estimate, earliestTurnSeconds(position, basis.admitPerSecond), basis.readyTtlSeconds),
  };
}

/** Seconds until a fan at `position` is let in, at the measured `ratePerSecond`. */
export function estimatedWaitSeconds(position: number | null, ratePerSecond: number): number {
  if (position === null) return 0;
  if (!(ratePerSecond > 0)) return MAX_ESTIMATE_SECONDS;
  return Math.min(MAX_ESTIMATE_SECONDS, Math.ceil(position / ratePerSecond));
}

/**
 * The soonest a fan at `position` can possibly be let in: the policy caps admissions at
 * admitPerSecond, with a burst of at most one second's worth (a promoter interval of 1 s).
 */
export function earliestTurnSeconds(position: number | null, admitPerSecond: number): number {
  if (position === null || !(admitPerSecond > 0)) return 0;
  return Math.max(0, position / admitPerSecond - 1);
}

/**
 * Grows with position, but a client still asks at least twice before its estimated turn. It
 * never sleeps longer than half the READY window (it must notice READY in time to activate)
 * unless it cannot possibly be admitted that soon: the back of a 300,000-user queue may sleep
 * up to a minute. READY and ACTIVE fans (no position) get the shortest interval.
 */
export function pollAfterMs(position: number | null, estimatedSeconds: number, earliestSeconds: number, readyTtlSeconds: number): number {
  if (position === null) return MIN_POLL_MS;
  const byPosition = MIN_POLL_MS + POLL_MS_PER_POSITION * position;
  const byEstimate = (estimatedSeconds * 1000) / 2;
  const safeSleep = (Math.max(readyTtlSeconds, earliestSeconds) * 1000) / 2;
  const ceiling = Math.max(MIN_POLL_MS, Math.min(MAX_POLL_MS, safeSleep));
  return Math.round(Math.min(ceiling, Math.max(MIN_POLL_MS, Math.min(byPosition, byEstimate))));
}

/**
 * A pre-queued fan's next poll: before the sale starts, at most a minute ahead; in its last
 * minute, just after the start, spread at random over up to half the READY window, so the
 * pre-queue does not poll all at once at the opening instant, and a fan drawn first still
 * learns she is READY in time to start shopping. `random` in [0, 1).
 */
export function preQueuePollAfterMs(msUntilStart: number, readyTtlSeconds: number, random: number): number {
  if (msUntilStart > MAX_POLL_MS) return MAX_POLL_MS;
  const spread = Math.min(MAX_POLL_MS, (readyTtlSeconds * 1000) / 2) * random;
  return Math.round(Math.max(MIN_POLL_MS, Math.max(0, msUntilStart) + spread));
}
