import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, notFound, validationFailed } from '../shared/errors.ts';
import { createHttpApp } from '../shared/http-app.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetrics } from '../shared/metrics.ts';
import { optionalInt, requireInt, requireObject, requireString } from '../shared/validation.ts';
import { behaviourOf, createChargeBook, MODES, type Mode } from './charges.ts';

const MAX_DELAY_MS = 120_000;

/**
 * Payment gateway stub: a real HTTP server whose behaviour scenarios steer. Behaviour can be set
 * globally (the contract's form) or for references starting with `referencePrefix`, so parallel
 * scenarios each steer only their own payments.
 */
export function createPaymentGatewayApp(deps: { logger: Logger }) {
  const metrics = createMetrics('payment-gateway');
  const book = createChargeBook();
  const { router, finish } = createHttpApp({ logger: deps.logger, metrics, readiness: [] });
  const attempts = metrics.counter('gateway_charge_attempts_total', 'Charge requests by the answer given', ['status']);

  router.post('/charges', async (ctx) => {
    const body = requireObject(ctx.request.body);
    const amount = requireInt(body.amount, 'amount', 0, 1_000_000_000);
    const reference = requireString(body.reference, 'reference', 200);
    const requestedAt = new Date();
    const { mode, delayMs } = book.behaviourFor(reference);
    // The charge is decided when the answer is sent, as with a slow real gateway: in "timeout"
    // mode the client has usually given up by then, yet the money is taken.
    if (delayMs > 0) await sleep(delayMs);
    attempts.inc({ status: mode });
    if (mode === 'error') {
      book.record({ reference, amount, status: 'ERROR', requestedAt });
      throw new ApiError(500, 'GATEWAY_ERROR', 'the gateway failed to process the charge');
    }
    if (mode === 'decline') {
      book.record({ reference, amount, status: 'DECLINED', requestedAt });
      ctx.status = 402;
      ctx.body = { status: 'DECLINED' };
      return;
    }
    const charge = book.record({ reference, amount, status: 'APPROVED', requestedAt });
    ctx.status = 201;
    ctx.body = { chargeId: charge.chargeId, status: 'APPROVED' };
  });

  router.post('/charges/:chargeId/void', (ctx) => {
    const chargeId = ctx.params.chargeId;
    if (!book.find(chargeId)) throw notFound('CHARGE_NOT_FOUND', `no charge ${chargeId}`);
    const charge = book.void(chargeId);
    if (!charge) throw new ApiError(409, 'CHARGE_NOT_VOIDABLE', `charge ${chargeId} was not approved`);
    ctx.body = { chargeId, status: charge.status };
  });

  // How a client finds out what happened to a charge whose answer it never got.
  router.get('/charges', (ctx) => {
    const reference = requireString(ctx.query.reference, 'reference', 200);
    ctx.body = { charges: book.byReference(reference) };
  });

  router.put('/__control/behavior', (ctx) => {
    const body = requireObject(ctx.request.body);
    if (!MODES.includes(body.mode as Mode)) throw validationFailed(`mode must be one of ${MODES.join(', ')}`);
    const delayMs = optionalInt(body.delayMs, 'delayMs', 0, MAX_DELAY_MS);
    const referencePrefix = body.referencePrefix === undefined ? undefined : requireString(body.referencePrefix, 'referencePrefix', 200);
    const behaviour = behaviourOf(body.mode as Mode, delayMs);
    book.setBehaviour(behaviour, referencePrefix);
    ctx.body = { ...behaviour, ...(referencePrefix === undefined ? {} : { referencePrefix }) };
  });

  router.delete('/__control/behavior', (ctx) => {
    book.clearBehaviour(optionalPrefix(ctx.query.referencePrefix));
    ctx.status = 204;
  });

  router.get('/__control/charges', (ctx) => {
    ctx.body = book.seen(optionalPrefix(ctx.query.referencePrefix));
  });

  // Forgets everything: for a person at a local stack, not for scenarios running in parallel.
  router.post('/__control/reset', (ctx) => {
    book.reset();
    ctx.status = 204;
  });

  return { app: finish(), book };
}

const optionalPrefix = (value: unknown) => (value === undefined ? undefined : requireString(value, 'referencePrefix', 200));
