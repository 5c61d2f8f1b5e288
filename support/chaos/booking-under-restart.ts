import { randomUUID } from 'node:crypto';
import type { Answer } from '../driver/answer.ts';
import type { Fan } from '../driver/fan.ts';
import { poll } from '../polling.ts';

/** One answer a buyer got, for the tally of what buyers saw during a fault. */
export type BookingAnswer = { call: string; status: number; code?: string; durationMs: number };

/** No answer, or "try again": what a well-behaved client retries. */
const retryable = (answer: Answer<unknown>) => answer.status === 0 || answer.status === 503;

/**
 * A buyer who books one seat (looks at the seats, reserves, pays), retrying whatever is answered
 * 503 or not at all, as a well-behaved app does, while the database restarts under her. The
 * payment is retried with the same Idempotency-Key, so it can never be charged twice. Returns
 * how the payment ended ("COMPLETED", or the last answer).
 */
export async function bookThroughTrouble(
  fan: Fan,
  seatIndex: number,
  options: { answers: BookingAnswer[]; onHeld?: () => void; deadline: number },
): Promise<string> {
  const untilAnswered = async <T>(call: string, send: () => Promise<Answer<T>>): Promise<Answer<T>> => {
    const { value } = await poll(
      async () => {
        const sent = Date.now();
        const answer = await send();
        options.answers.push({ call, status: answer.status, code: answer.code, durationMs: Date.now() - sent });
        return answer;
      },
      (answer) => !retryable(answer),
      { what: `${fan} to get an answer to ${call}`, timeoutMs: Math.max(0, options.deadline - Date.now()), intervalMs: 200 },
    );
    return value;
  };

  const seats = await untilAnswered('seats', () => fan.seats());
  if (!seats.succeeded) return `seats ${seats}`;
  const seatId = seats.value.seats[seatIndex].seatId;
  const held = await untilAnswered('reserve', () => fan.reserve(seatId));
  if (!held.succeeded) return `reserve ${held}`;
  options.onHeld?.();
  const key = randomUUID();
  const paid = await untilAnswered('pay', () => fan.pay({ key, timeoutMs: 20_000 }));
  return paid.succeeded ? paid.value.status : `pay ${paid}`;
}

/**
 * Every fan books a seat at once, fan i the i-th seat, each through trouble within 90 s; the
 * first hold granted calls `onFirstHold` (to pull a plug while the others are still reserving or
 * paying). How each booking ended, and what `onFirstHold` returned, if a hold was ever granted.
 */
export async function bookTogether<T>(
  fans: readonly Fan[],
  answers: BookingAnswer[],
  options: { onFirstHold?: () => T } = {},
): Promise<{ outcomes: string[]; firstHold?: T }> {
  const { onFirstHold } = options;
  const deadline = Date.now() + 90_000;
  let firstHold: { made: T } | undefined;
  const onHeld = onFirstHold && (() => void (firstHold ??= { made: onFirstHold() }));
  const outcomes = await Promise.all(fans.map((fan, i) => bookThroughTrouble(fan, i, { answers, deadline, onHeld })));
  return { outcomes, firstHold: firstHold?.made };
}
