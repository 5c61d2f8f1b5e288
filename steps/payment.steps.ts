import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bookingOf, bookings } from '../support/bookings.ts';
import { coreApi, type ErrorView, type PaymentView, type ReservationView } from '../support/core-api.ts';
import { records } from '../support/database.ts';
import { gatewayApi, type GatewayMode } from '../support/gateway-api.ts';
import type { Exchange } from '../support/http/api-client.ts';
import { becomeActive } from '../support/journeys.ts';
import { eventually } from '../support/polling.ts';
import type { TicketWorld } from '../support/world.ts';

/**
 * How long core waits for the gateway (its PAYMENT_TIMEOUT_MS, 2 s by default). Steps that make
 * the gateway slow pick delays on either side of it.
 */
const CORE_PAYMENT_TIMEOUT_MS = Number(process.env.E2E_PAYMENT_TIMEOUT_MS ?? 2_000);

const show = (res: Exchange) => `${res.status} ${JSON.stringify(res.body)}`;
const errorCode = (res: Exchange | undefined) => (res?.body as ErrorView | undefined)?.error?.code;

async function steerGateway(world: TicketWorld, mode: GatewayMode, delayMs?: number) {
  const res = await gatewayApi.setBehaviour(world.api, { mode, delayMs, referencePrefix: gatewayApi.referencePrefix(world.concertId()) });
  assert.equal(res.status, 200, `steering the gateway answered ${show(res)}`);
}

function reservationOf(world: TicketWorld, name: string): ReservationView {
  const reservation = bookingOf(world, name).reservation;
  assert.ok(reservation, `${name} has not reserved anything`);
  return reservation;
}

async function pay(world: TicketWorld, name: string, idempotencyKey?: string | null): Promise<Exchange> {
  const res = await world.remember(
    coreApi.pay(world.api, world.fan(name).token, { reservationId: reservationOf(world, name).reservationId }, idempotencyKey === undefined ? randomUUID() : idempotencyKey),
  );
  bookingOf(world, name).payments.push(res);
  return res;
}

function expectRefusal(world: TicketWorld, status: number, code: string) {
  assert.ok(world.last, 'no payment was made');
  assert.equal(world.last.status, status, show(world.last));
  assert.equal(errorCode(world.last), code);
}

// --- The payment provider's mood ------------------------------------------------------------

const MODES: Record<string, GatewayMode> = { approves: 'approve', declines: 'decline', fails: 'error' };

Given('the payment provider {word} payments', async function (this: TicketWorld, verb: string) {
  assert.ok(MODES[verb], `the provider can approve, decline or fail payments, not "${verb}"`);
  await steerGateway(this, MODES[verb]);
});

Given('the payment provider answers only after we have given up', async function (this: TicketWorld) {
  // It still charges, late: the scenario checks that charge is found and voided.
  await steerGateway(this, 'timeout', CORE_PAYMENT_TIMEOUT_MS + 1_000);
});

Given('the payment provider answers only after the hold has run out', async function (this: TicketWorld) {
  const holdSeconds = bookings(this).holdSeconds;
  assert.ok(holdSeconds, 'set how long seats are held first');
  const delayMs = holdSeconds * 1_000 + 500;
  assert.ok(delayMs < CORE_PAYMENT_TIMEOUT_MS, 'the answer must still come before core gives up on it');
  await steerGateway(this, 'approve', delayMs);
});

Given('the payment provider takes a moment to answer', async function (this: TicketWorld) {
  // Long enough that two requests sent together are both in flight at once.
  await steerGateway(this, 'approve', 300);
});

// --- Paying ---------------------------------------------------------------------------------

When('{word} pays for her/his reservation', async function (this: TicketWorld, name: string) {
  await pay(this, name);
});

When('{word} pays for her/his reservation with payment key {string}', async function (this: TicketWorld, name: string, key: string) {
  await pay(this, name, key);
});

When('{word} pays for her/his reservation with payment key {string} again', async function (this: TicketWorld, name: string, key: string) {
  await pay(this, name, key);
});

When('{word} pays for her/his reservation without a payment key', async function (this: TicketWorld, name: string) {
  await pay(this, name, null);
});

When('{word} submits the same payment twice at the same instant', async function (this: TicketWorld, name: string) {
  const key = randomUUID();
  await Promise.all([pay(this, name, key), pay(this, name, key)]);
});

Given('{word} has bought seat {word}', async function (this: TicketWorld, name: string, seatId: string) {
  const token = await becomeActive(this, name);
  const held = await coreApi.reserve(this.api, token, { concertId: this.concertId(), seatId });
  assert.equal(held.status, 201, `reserving ${seatId} answered ${show(held)}`);
  bookingOf(this, name).reservation = held.body as ReservationView;
  const paid = await pay(this, name);
  assert.equal(paid.status, 201, `paying for ${seatId} answered ${show(paid)}`);
});

// --- Answers --------------------------------------------------------------------------------

Then("the payment is completed at the seat's price", async function (this: TicketWorld) {
  assert.equal(this.last?.status, 201, show(this.last!));
  const payment = this.last!.body as PaymentView;
  const reservationId = (this.last!.requestBody as { reservationId: string }).reservationId;
  const seatId = (await records.reservations(this.concertId())).find((r) => r.reservationId === reservationId)?.seatId;
  assert.ok(seatId, 'the paid reservation is on record');
  assert.deepEqual(
    { reservationId: payment.reservationId, status: payment.status, amount: payment.amount },
    { reservationId, status: 'COMPLETED', amount: await records.seatPrice(this.concertId(), seatId) },
  );
});

Then('the payment is declined', function (this: TicketWorld) {
  expectRefusal(this, 402, 'PAYMENT_DECLINED');
});

Then('the payment times out', function (this: TicketWorld) {
  expectRefusal(this, 504, 'PAYMENT_TIMEOUT');
});

Then('the payment fails at the provider', function (this: TicketWorld) {
  expectRefusal(this, 502, 'PAYMENT_GATEWAY_ERROR');
});

Then('the payment is refused because the hold expired', function (this: TicketWorld) {
  expectRefusal(this, 409, 'RESERVATION_EXPIRED');
});

Then('the payment is refused because the key was used for another payment', function (this: TicketWorld) {
  expectRefusal(this, 422, 'IDEMPOTENCY_KEY_REUSED');
});

Then('both answers report the same completed payment', function (this: TicketWorld) {
  const answers = [...bookings(this).fans.values()].flatMap((b) => b.payments).slice(-2);
  assert.equal(answers.length, 2);
  for (const res of answers) assert.equal(res.status, 201, show(res));
  assert.deepEqual(answers[0].body, answers[1].body);
});

// --- Money, as the provider and the records see it -------------------------------------------

Then("{word} was charged once, at the seat's price", async function (this: TicketWorld, name: string) {
  const concertId = this.concertId();
  const reservation = reservationOf(this, name);
  const price = await records.seatPrice(concertId, reservation.seatId);

  const { charges } = await gatewayApi.charges(this.api, gatewayApi.referencePrefix(concertId));
  const kept = charges.filter((c) => c.status === 'APPROVED');
  assert.equal(kept.length, 1, `the provider kept ${JSON.stringify(charges)}`);
  assert.equal(kept[0].amount, price);

  const completed = (await records.payments(concertId)).filter((p) => p.status === 'COMPLETED');
  assert.equal(completed.length, 1, `records show ${JSON.stringify(completed)}`);
  assert.deepEqual(
    { userId: completed[0].userId, amount: completed[0].amount, chargeId: completed[0].chargeId, reservationId: completed[0].reservationId },
    { userId: this.fan(name).userId, amount: price, chargeId: kept[0].chargeId, reservationId: reservation.reservationId },
  );
  const booked = (await records.reservations(concertId)).find((r) => r.reservationId === reservation.reservationId);
  assert.equal(booked?.status, 'CONFIRMED');
});

Then('nothing was charged', async function (this: TicketWorld) {
  const concertId = this.concertId();
  const { charges } = await gatewayApi.charges(this.api, gatewayApi.referencePrefix(concertId));
  assert.deepEqual(
    charges.filter((c) => c.status === 'APPROVED'),
    [],
    'the provider keeps no money for this concert',
  );
  const payments = await records.payments(concertId);
  assert.deepEqual(
    payments.filter((p) => p.status === 'COMPLETED' || (p.chargeId !== null && !p.chargeVoided)),
    [],
    'the records show no completed payment and no charge left standing',
  );
});

Then('the late charge is voided', async function (this: TicketWorld) {
  const concertId = this.concertId();
  const { charges } = await eventually(
    () => gatewayApi.charges(this.api, gatewayApi.referencePrefix(concertId)),
    (seen) => seen.charges.some((c) => c.status === 'VOIDED') && !seen.charges.some((c) => c.status === 'APPROVED'),
    { what: 'the late charge to be voided', timeoutMs: 15_000, intervalMs: 200 },
  );
  const voided = charges.filter((c) => c.status === 'VOIDED');
  const recorded = await eventually(
    () => records.payments(concertId),
    (payments) => voided.every((c) => payments.some((p) => p.chargeId === c.chargeId && p.chargeVoided)),
    { what: 'the records to show the void', timeoutMs: 5_000 },
  );
  assert.ok(recorded.every((p) => p.status === 'FAILED'));
});
