import { Given, Then, When } from '@cucumber/cucumber';
import { randomUUID } from 'node:crypto';
import type { Fan } from '../support/driver/fan.ts';
import type { ProviderMode } from '../support/driver/payment-provider.ts';
import { records } from '../support/driver/records.ts';
import { expectAnswer, expectEqual, expectSuccess, expectThat } from '../support/expect.ts';
import { eventually } from '../support/polling.ts';
import type { TicketWorld } from '../support/world.ts';

/**
 * How long core waits for the provider (its PAYMENT_TIMEOUT_MS, 2 s by default). Steps that make
 * the provider slow pick delays on either side of it.
 */
const CORE_PAYMENT_TIMEOUT_MS = Number(process.env.E2E_PAYMENT_TIMEOUT_MS ?? 2_000);

// ---- The payment provider's mood ------------------------------------------------------------

const moods: Record<string, ProviderMode> = { approves: 'approve', declines: 'decline', fails: 'error' };

Given('the payment provider {word} payments', async function (this: TicketWorld, mood: string) {
  expectThat(mood in moods, `the provider approves, declines or fails payments, not "${mood}"`);
  await this.provider.behave(moods[mood]);
});

Given('the payment provider answers only after {lateness}', async function (this: TicketWorld, lateness: string) {
  if (lateness === 'we have given up') {
    // It still charges, late: the scenario checks that charge is found and voided.
    return this.provider.behave('timeout', { delayMs: CORE_PAYMENT_TIMEOUT_MS + 1_000 });
  }
  expectThat(this.holdSeconds !== undefined, 'say how long seats are held first');
  const delayMs = this.holdSeconds * 1_000 + 500;
  expectThat(delayMs < CORE_PAYMENT_TIMEOUT_MS, `a ${delayMs} ms answer comes after core gives up on it (${CORE_PAYMENT_TIMEOUT_MS} ms)`);
  await this.provider.behave('approve', { delayMs });
});

Given('the payment provider takes {float} second(s) to answer', async function (this: TicketWorld, seconds: number) {
  await this.provider.behave('approve', { delayMs: seconds * 1000 });
});

// ---- Paying ---------------------------------------------------------------------------------

When('{fan} pays for {reservation}{claiming}', async function (this: TicketWorld, fan: Fan, reservation: (actor: Fan) => string, amount?: number) {
  expectSuccess(await fan.pay({ reservationId: reservation(fan), extra: amount === undefined ? undefined : { amount } }));
});

When(
  '{fan} tries to pay for {reservation}{paymentKey}( again)',
  async function (this: TicketWorld, fan: Fan, reservation: (actor: Fan) => string, key?: string | null) {
    await fan.pay({ reservationId: reservation(fan), key });
  },
);

When('{fan} submits {twoPayments} at the same instant', async function (this: TicketWorld, fan: Fan, how: string) {
  const key = randomUUID();
  await Promise.all([fan.pay({ key: how === 'same key' ? key : undefined }), fan.pay({ key: how === 'same key' ? key : undefined })]);
});

Given('{fan} has bought seat {word}', async function (this: TicketWorld, fan: Fan, seatId: string) {
  await fan.startShoppingFromTheQueue();
  await fan.buy(seatId);
});

// ---- Answers --------------------------------------------------------------------------------

/** The latest `count` payment attempts of the scenario. */
function latestPayments(world: TicketWorld, count: number) {
  const answers = world.payments.slice(-count).map(({ answer }) => answer);
  expectEqual(answers.length, count, 'payment attempts made');
  return answers;
}

Then("the payment is completed at the seat's price", async function (this: TicketWorld) {
  const [paid] = latestPayments(this, 1);
  expectAnswer(paid, 201);
  const payment = paid.value;
  const held = await records.reservation(payment.reservationId);
  expectThat(held !== undefined, `the paid reservation ${payment.reservationId} is not on record`);
  const price = await records.seatPrice(this.concertId(), held.seatId);
  expectEqual(`${payment.status} at ${payment.amount}`, `COMPLETED at ${price}`, `the payment for seat ${held.seatId}`);
});

Then('both answers report the same completed payment', function (this: TicketWorld) {
  const answers = latestPayments(this, 2);
  expectEqual(answers.map(String), ['201', '201'], 'the answers to the two payments');
  expectEqual(answers[1].value, answers[0].value, 'the second payment answer, against the first');
});

Then('one payment is completed and the other is refused with {int} {word}', function (this: TicketWorld, status: number, code: string) {
  const answers = latestPayments(this, 2).map(String).sort();
  expectEqual(answers, ['201', `${status} ${code}`].sort(), 'the answers to the two payments');
});

Then('{fans} each paid for their own reservation, at its seat\'s price', async function (this: TicketWorld, fans: Fan[]) {
  for (const fan of fans) {
    const { reservationId, seatId } = fan.heldReservation();
    const paid = fan.latestPayment().value;
    expectEqual(`${paid.reservationId} ${paid.status} at ${paid.amount}`, `${reservationId} COMPLETED at ${await records.seatPrice(this.concertId(), seatId)}`, `${fan}'s payment`);
  }
});

// ---- Money, as the provider and the records see it -------------------------------------------

Then("{fan} was charged once, at the seat's price", async function (this: TicketWorld, fan: Fan) {
  const concertId = this.concertId();
  const reservation = fan.heldReservation();
  const price = await records.seatPrice(concertId, reservation.seatId);
  const kept = await this.provider.moneyKept();
  expectEqual(kept.map((c) => c.amount), [price], `charges the provider kept for the concert, for ${fan}'s seat at ${price}`);
  const completed = (await records.payments(concertId)).filter((p) => p.status === 'COMPLETED');
  expectEqual(
    completed.map((p) => `${p.userId} ${p.reservationId} ${p.amount} ${p.chargeId} ${concertId}/${p.paymentId}`),
    [`${fan.userId} ${reservation.reservationId} ${price} ${kept[0].chargeId} ${kept[0].reference}`],
    `completed payments on record, against the one charge kept`,
  );
  expectEqual((await records.reservation(reservation.reservationId))?.status, 'CONFIRMED', `${fan}'s reservation on record`);
});

Then('nothing was charged', async function (this: TicketWorld) {
  const kept = await this.provider.moneyKept();
  expectEqual(kept.map((c) => `${c.amount} (${c.reference})`), [], 'money the provider kept for the concert');
  const standing = (await records.payments(this.concertId())).filter((p) => p.status === 'COMPLETED' || (p.chargeId !== null && !p.chargeVoided));
  expectEqual(standing.map((p) => `${p.status} ${p.amount}`), [], 'payments on record that completed or left a charge standing');
});

Then('the late charge is voided', async function (this: TicketWorld) {
  const { charges } = await eventually(
    () => this.provider.charges(),
    (seen) => seen.charges.some((c) => c.status === 'VOIDED') && !seen.charges.some((c) => c.status === 'APPROVED'),
    { what: 'the late charge to be voided', timeoutMs: 15_000, intervalMs: 200, describe: (seen) => seen.charges.map((c) => c.status).join(', ') || 'no charge' },
  );
  const voided = charges.filter((c) => c.status === 'VOIDED');
  const recorded = await eventually(
    () => records.payments(this.concertId()),
    (payments) => voided.every((c) => payments.some((p) => p.chargeId === c.chargeId && p.chargeVoided)),
    { what: 'the records to show the void', timeoutMs: 5_000, describe: (payments) => payments.map((p) => `${p.status} voided=${p.chargeVoided}`).join(', ') },
  );
  expectEqual(recorded.map((p) => p.status), recorded.map(() => 'FAILED'), 'payments on record for the voided charge');
});
