import type Router from '@koa/router';
import type { Context } from 'koa';
import { notFound, validationFailed } from '../shared/errors.ts';
import { requireToken, type QueueAccess } from '../waiting-room/turn-access.ts';
import type { TokenCodec } from '../shared/queue-token.ts';
import { requireId, requireObject, requireString } from '../shared/validation.ts';
import type { HoldPolicy } from './hold-policy.ts';
import type { PaymentAnswer, Payments } from './payments.ts';
import { reservationView, type Reservations } from './reservations.ts';
import type { SeatMap } from './seat-map.ts';

/** Idempotency keys: printable ASCII without spaces, e.g. a UUID. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

export type CoreRouteDeps = {
  queueAccess: QueueAccess;
  tokens: TokenCodec;
  holdPolicy: HoldPolicy;
  reservations: Reservations;
  seatMap: SeatMap;
  payments: Payments;
};

/**
 * The buyer's API: seats, holds, payments. Input is validated before anything else (400 changes
 * nothing), then the queue token must be ACTIVE for the concert concerned.
 */
export function registerCoreRoutes(router: Router, deps: CoreRouteDeps) {
  const { queueAccess, reservations, payments } = deps;

  router.get('/api/v1/concerts/:concertId/seats', async (ctx) => {
    const concertId = requireId(ctx.params.concertId, 'concertId');
    await queueAccess.requireActive(ctx, concertId);
    const map = await deps.seatMap(concertId);
    if (!map) throw notFound('CONCERT_NOT_FOUND', `concert ${concertId} does not exist`);
    ctx.type = 'json';
    ctx.body = map;
  });

  router.post('/api/v1/reservations', async (ctx) => {
    const body = requireObject(ctx.request.body);
    const concertId = requireId(body.concertId, 'concertId');
    const seatId = requireId(body.seatId, 'seatId');
    // Both reads go to the concert's Redis node and are pipelined: one round trip.
    const [claims, holdSeconds] = await Promise.all([queueAccess.requireActive(ctx, concertId), deps.holdPolicy.holdSeconds(concertId)]);
    const { created, reservation } = await reservations.hold({ concertId, seatId, userId: claims.userId, holdSeconds });
    ctx.status = created ? 201 : 200;
    ctx.body = reservationView(reservation);
  });

  router.get('/api/v1/reservations/:reservationId', async (ctx) => {
    const reservationId = ctx.params.reservationId.toLowerCase();
    // A reservation belongs to one concert and one user: the token's.
    const claims = await queueAccess.requireActive(ctx);
    const reservation = UUID.test(reservationId) ? await reservations.find(reservationId, claims) : undefined;
    if (!reservation) throw notFound('RESERVATION_NOT_FOUND', `no reservation ${ctx.params.reservationId}`);
    ctx.body = reservationView(reservation);
  });

  router.post('/api/v1/payments', async (ctx) => {
    const idempotencyKey = ctx.get('idempotency-key');
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw validationFailed('Idempotency-Key header is required: 1-128 printable characters, e.g. a UUID');
    }
    const body = requireObject(ctx.request.body);
    const request = { idempotencyKey, reservationId: requireString(body.reservationId, 'reservationId', 64), claims: requireToken(ctx, deps.tokens) };
    // A replay answers as the first request did, even once that payment has ended the queue
    // entry (a client retrying after a lost response must not see 410 instead of its booking).
    // The token's signature still proves whose key it is.
    const earlier = await payments.replay(request);
    if (earlier) return send(ctx, earlier);
    await queueAccess.requireActive(ctx, request.claims.concertId);
    send(ctx, await payments.pay(request));
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function send(ctx: Context, answer: PaymentAnswer) {
  ctx.status = answer.status;
  ctx.body = answer.body;
}
