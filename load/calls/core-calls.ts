import type { LoadHttp, Reply } from '../engine/http.ts';

/** The core service's buyer calls as load steps; `suffix` marks a second system's steps, e.g. " (B)". */
export type SeatView = { seatId: string; status: string };

export function coreCalls(http: LoadHttp, coreUrl: string, suffix = '') {
  const auth = (token: string) => ({ 'x-queue-token': token });
  return {
    /** `json: false` leaves the body unread, as a capacity run's generator should (it shares the cores). */
    seats(concertId: string, token: string, step = `seats${suffix}`, json = true): Promise<Reply> {
      return http.call(step, coreUrl, { method: 'GET', path: `/api/v1/concerts/${concertId}/seats`, headers: auth(token), expect: [200], json });
    },
    /** 201 a new hold, 200 the buyer's own running hold, 409 a lost race: all normal outcomes. */
    reserve(concertId: string, seatId: string, token: string, step = `reserve${suffix}`, json = true): Promise<Reply> {
      return http.call(step, coreUrl, { method: 'POST', path: '/api/v1/reservations', headers: auth(token), body: { concertId, seatId }, expect: [200, 201, 409], json });
    },
    pay(reservationId: string, token: string, idempotencyKey: string, step = `pay${suffix}`): Promise<Reply> {
      return http.call(step, coreUrl, {
        method: 'POST',
        path: '/api/v1/payments',
        headers: { ...auth(token), 'idempotency-key': idempotencyKey },
        body: { reservationId },
        expect: [201],
        json: true,
      });
    },
  };
}

/** The seats a map reply shows AVAILABLE. */
export const freeSeats = (map: Reply): string[] => (map.body.seats as SeatView[]).filter((s) => s.status === 'AVAILABLE').map((s) => s.seatId);
