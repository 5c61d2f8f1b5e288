import type { Answer } from './answer.ts';

/**
 * A fan's budget of calls a minute on one queue server (RATE_LIMIT_ENTER_PER_MINUTE,
 * RATE_LIMIT_STATUS_PER_MINUTE: docs/api.md, docs/guarantees.md), judged from her attempts of
 * one kind on one server, in order. The budget holds `perMinute` calls and refills at
 * `perMinute` a minute, so by the time an attempt is answered at most perMinute + (time since her
 * first attempt) × perMinute / 60 s of them can have been let through; and she may always make
 * `perMinute` at once.
 */


/** Why the first refusal of `attempts` did not come at the edge of the budget; undefined when it did. */
export function refusedBeyondBudget(attempts: readonly Answer<unknown>[], perMinute: number): string | undefined {
  const first = attempts.findIndex((answer) => answer.status === 429);
  if (first < 0) return `none of ${attempts.length} attempts was refused`;
  const refilled = Math.floor(((attempts[first].answeredAt - attempts[0].exchange.startedAt) * perMinute) / 60_000);
  if (first < perMinute) return `refused after ${first} calls, before the ${perMinute} a minute were used`;
  if (first > perMinute + refilled) return `let through ${first} calls before the first refusal, where ${perMinute} a minute allow ${perMinute + refilled} in the ${attempts[first].answeredAt - attempts[0].exchange.startedAt} ms they took`;
  return undefined;
}

/**
 * The refusal whose Retry-After a client should follow: the first one since she was last let
 * through (a refused call uses no budget, so later refusals must not ask for longer), and the
 * instant it tells her to come back (epoch ms).
 */
export function toldToComeBack(attempts: readonly Answer<unknown>[]): { refusal: Answer<unknown>; at: number } | undefined {
  const sinceLetThrough = attempts.slice(attempts.map((answer) => answer.succeeded).lastIndexOf(true) + 1);
  const refusal = sinceLetThrough.find((answer) => answer.status === 429);
  if (!refusal || refusal.retryAfterSeconds === undefined) return undefined;
  return { refusal, at: refusal.answeredAt + refusal.retryAfterSeconds * 1000 };
}
