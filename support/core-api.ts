import { randomUUID } from 'node:crypto';
import type { ApiClient } from './http/api-client.ts';
import { target } from './target.ts';

const tokenHeader = (token?: string): Record<string, string> => (token === undefined ? {} : { 'x-queue-token': token });

/** Core service calls a buyer makes, each carrying the buyer's queue token. */
export const coreApi = {
  seats(api: ApiClient, token: string | undefined, concertId: string) {
    return api.send('GET', `${target.coreUrl}/api/v1/concerts/${encodeURIComponent(concertId)}/seats`, { headers: tokenHeader(token) });
  },
  reserve(api: ApiClient, token: string | undefined, body: unknown) {
    return api.send('POST', `${target.coreUrl}/api/v1/reservations`, { headers: tokenHeader(token), body });
  },
  /** A request body sent as is, for malformed-input scenarios. */
  reserveRaw(api: ApiClient, token: string | undefined, rawBody: string) {
    return api.send('POST', `${target.coreUrl}/api/v1/reservations`, {
      headers: { ...tokenHeader(token), 'content-type': 'application/json' },
      rawBody,
    });
  },
  reservation(api: ApiClient, token: string | undefined, reservationId: string) {
    return api.send('GET', `${target.coreUrl}/api/v1/reservations/${encodeURIComponent(reservationId)}`, { headers: tokenHeader(token) });
  },
  /** Pays with a fresh Idempotency-Key unless one is given; `null` sends none. */
  pay(api: ApiClient, token: string | undefined, body: unknown, idempotencyKey: string | null = randomUUID()) {
    const headers = { ...tokenHeader(token), ...(idempotencyKey === null ? {} : { 'idempotency-key': idempotencyKey }) };
    return api.send('POST', `${target.coreUrl}/api/v1/payments`, { headers, body });
  },
};

export type SeatView = { seatId: string; label: string; price: number; status: string };
export type ReservationView = { reservationId: string; seatId: string; status: string; amount: number; expiresAt: string };
export type PaymentView = { paymentId: string; reservationId: string; status: string; amount: number };
export type ErrorView = { error: { code: string; message: string } };
