import { randomUUID } from 'node:crypto';
import { target } from '../target.ts';
import { tolerantRequest } from './tolerant-request.ts';

/**
 * Buyers who each book one seat (look at seats, reserve, pay) and retry whatever is answered
 * 503 or not answered, as a well-behaved client does, while the database restarts under them.
 * A payment is retried with the same Idempotency-Key, so it can never be charged twice.
 */
export type BookingAnswer = { buyer: string; op: 'seats' | 'reserve' | 'pay'; status: number; code?: string; durationMs: number };
export type BuyerOutcome = { buyer: string; seatId?: string; reservationId?: string; paymentStatus?: string; amount?: number };

const RETRYABLE = (status: number) => status === 0 || status === 503;

const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: unknown) =>
  tolerantRequest(method, url, { headers, body, timeoutMs: 20_000 });

export async function bookOneSeatEach(options: {
  concertId: string;
  buyers: { name: string; token: string; seatIndex: number }[];
  answers: BookingAnswer[];
  /** Called once a buyer holds a seat: the moment to pull the plug on the database. */
  onHeld?: () => void;
  timeoutMs: number;
}): Promise<BuyerOutcome[]> {
  const { concertId, answers } = options;
  const deadline = Date.now() + options.timeoutMs;

  const untilAnswered = async (buyer: string, op: BookingAnswer['op'], send: () => ReturnType<typeof call>) => {
    for (;;) {
      const res = await send();
      answers.push({ buyer, op, status: res.status, code: res.body?.error?.code, durationMs: res.durationMs });
      if (!RETRYABLE(res.status) || Date.now() > deadline) return res;
      await new Promise((r) => setTimeout(r, 200)); // a client's back-off before retrying
    }
  };

  return Promise.all(
    options.buyers.map(async ({ name, token, seatIndex }): Promise<BuyerOutcome> => {
      const headers = { 'x-queue-token': token };
      const seats = await untilAnswered(name, 'seats', () => call('GET', `${target.coreUrl}/api/v1/concerts/${concertId}/seats`, headers));
      if (seats.status !== 200) return { buyer: name };
      const seatId = (seats.body.seats as { seatId: string }[])[seatIndex].seatId;
      const held = await untilAnswered(name, 'reserve', () => call('POST', `${target.coreUrl}/api/v1/reservations`, headers, { concertId, seatId }));
      if (held.status !== 201 && held.status !== 200) return { buyer: name, seatId };
      options.onHeld?.();
      const reservationId = held.body.reservationId as string;
      const key = randomUUID();
      const paid = await untilAnswered(name, 'pay', () => call('POST', `${target.coreUrl}/api/v1/payments`, { ...headers, 'idempotency-key': key }, { reservationId }));
      return { buyer: name, seatId, reservationId, paymentStatus: paid.body?.status ?? `HTTP ${paid.status}`, amount: paid.body?.amount };
    }),
  );
}
