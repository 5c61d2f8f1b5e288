import { Given, Then, When } from '@cucumber/cucumber';
import { randomUUID } from 'node:crypto';
import type { Fan } from '../support/driver/fan.ts';
import type { ProviderMode } from '../support/driver/payment-provider.ts';
import { records } from '../support/driver/records.ts';
import { expectAnswer, expectEqual, expectSuccess, expectThat } from '../support/expect.ts';
import type { TicketWorld } from '../support/world.ts';

// ---- The payment provider's mood ------------------------------------------------------------

const moods: Record<string, ProviderMode> = { approves: 'approve', declines: 'decline', fails: 'error' };

Given('the payment provider {word} payments', async function (this: TicketWorld, mood: string) {
  expectThat(mood in moods, `the provider approves, declines or fails payments, not "${mood}"`);
  await this.provider.behave(moods[mood]);
});

Given('the payment provider answers only after {lateness}', async function (this: TicketWorld, lateness: string) {
  if (lateness === 'we have given up') return this.provider.answerAfterCoreGivesUp();
  expectThat(this.holdSeconds !== undefined, 'say how long seats are held first');
  await this.provider.answerAfterHoldRunsOut(this.holdSeconds);
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
  const { seatId, price } = await records.reservedSeat(this.concertId(), paid.value.reservationId);
  expectEqual(`${paid.value.status} at ${paid.value.amount}`, `COMPLETED at ${price}`, `the payment for seat ${seatId}`);
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
  const voided = await this.provider.waitUntilLateChargeVoided();
  const recorded = await records.untilChargesVoided(this.concertId(), voided.map((c) => c.chargeId));
  expectEqual(recorded.map((p) => p.status), recorded.map(() => 'FAILED'), 'payments on record for the voided charge');
});
