import { Then, When } from '@cucumber/cucumber';
import type { Fan } from '../support/driver/fan.ts';
import { records } from '../support/driver/records.ts';
import { expectAnswer, expectEqual, expectSuccess, expectThat } from '../support/expect.ts';
import type { TicketWorld } from '../support/world.ts';

// ---- Looking at seats ------------------------------------------------------------------------

async function seatsSeenBy(fan: Fan) {
  return (await fan.seats()).value.seats;
}

Then('{fan} sees {int} seats, all {word}', async function (this: TicketWorld, fan: Fan, count: number, status: string) {
  const seats = await seatsSeenBy(fan);
  expectEqual(seats.length, count, `seats ${fan} sees`);
  expectEqual(seats.filter((s) => s.status !== status).map((s) => `${s.seatId} ${s.status}`), [], `seats ${fan} does not see as ${status}`);
});

Then('{fan} sees {int} seats labelled {}, all available at {float}', async function (this: TicketWorld, fan: Fan, count: number, labels: string, price: number) {
  const seats = await seatsSeenBy(fan);
  expectEqual(seats.length, count, `seats ${fan} sees`);
  expectEqual(seats.map((s) => s.label), expandLabels(labels), `the labels of the seats ${fan} sees`);
  const odd = seats.filter((s) => s.status !== 'AVAILABLE' || s.price !== Math.round(price * 100));
  expectEqual(odd.map((s) => `${s.label} ${s.status} at ${s.price}`), [], `seats not AVAILABLE at ${price}`);
});

/** "A1 to A10, B1 to B3 and C1 to C2" → A1…A10, B1…B3, C1, C2. */
function expandLabels(text: string): string[] {
  return text.split(/, | and /).flatMap((range) => {
    const match = /^([A-Z]+)(\d+) to \1(\d+)$/.exec(range.trim());
    expectThat(match !== null, `"${range}" is not a range like "A1 to A10"`);
    const [, row, from, to] = match;
    return Array.from({ length: Number(to) - Number(from) + 1 }, (_, i) => `${row}${Number(from) + i}`);
  });
}

Then('{fan} sees seat {word} as {word}', async function (this: TicketWorld, fan: Fan, seatId: string, status: string) {
  const seat = (await seatsSeenBy(fan)).find((s) => s.seatId === seatId);
  expectEqual(seat?.status, status, `seat ${seatId} as ${fan} sees it`);
});

Then('{fan} eventually sees seat {word} as {word}', async function (this: TicketWorld, fan: Fan, seatId: string, status: string) {
  await fan.waitUntilSeatIs(seatId, status);
});

When('{fan} looks at the seats of {concert}', async function (this: TicketWorld, fan: Fan, concert: string) {
  await fan.seats({ token: fan.token(), concert });
});

When('{fan} keeps looking at the seats for {int} seconds', async function (this: TicketWorld, fan: Fan, seconds: number) {
  // A shopper browsing every half second: each look must keep her turn alive.
  expectSuccess(await fan.browseSeats(seconds));
});

When('{fan} keeps looking at the seats until her/his turn runs out', async function (this: TicketWorld, fan: Fan) {
  this.browsing = await fan.browseSeatsUntilRefused();
});

Then('{fan} was served until her/his session ran out, and not after', function (this: TicketWorld, fan: Fan) {
  const browsing = this.browsing;
  expectThat(browsing !== undefined, `${fan} did not keep looking at the seats`);
  const ends = Date.parse(fan.turn().ends.at(-1)!);
  expectAnswer(browsing.refusal, 410, 'TOKEN_EXPIRED');
  // The room's clock and ours may differ by a little; a look every 200 ms.
  const refusedAt = browsing.refusal.exchange.startedAt;
  expectThat(refusedAt >= ends - 250, `${fan} was refused ${ends - refusedAt} ms before her turn was to end`);
  expectThat(browsing.lastServedAt >= ends - 1000, `${fan} was last served ${ends - browsing.lastServedAt} ms before her turn was to end`);
  expectThat(refusedAt <= ends + 1500, `${fan} was still served ${refusedAt - ends} ms after her turn was to end`);
});

// ---- Reserving ------------------------------------------------------------------------------

/** A price claimed by the fan's app, sent along in the fields a careless server might trust. */
const claimed = (amount?: number) => (amount === undefined ? {} : { extra: { amount, price: amount } });

When('{fan} reserves seat {word}{ofConcert}{claiming}', async function (this: TicketWorld, fan: Fan, seatId: string, concert?: string, amount?: number) {
  expectSuccess(await fan.reserve(seatId, { concert, ...claimed(amount) }));
});

When('{fan} tries to reserve seat {word}{ofConcert}', async function (this: TicketWorld, fan: Fan, seatId: string, concert?: string) {
  // With her turn for the concert, whichever concert the seat is of.
  await fan.reserve(seatId, { token: fan.token(), concert });
});

When('{fans} race for {int} seat(s) at the same instant', async function (this: TicketWorld, fans: Fan[], seats: number) {
  this.crowd = fans;
  this.crowdAnswers = await Promise.all(fans.map((fan, i) => fan.reserve(`A${(i % seats) + 1}`)));
});

Then("{fan} holds seat {word} at the seat's price", async function (this: TicketWorld, fan: Fan, seatId: string) {
  expectAnswer(this.latest, 201);
  const hold = fan.heldReservation();
  const price = await records.seatPrice(this.concertId(), seatId);
  expectEqual(`${hold.seatId} ${hold.status} at ${hold.amount}`, `${seatId} HELD at ${price}`, `${fan}'s hold`);
  expectThat(Date.parse(hold.expiresAt) > Date.now(), `${fan}'s hold ends at ${hold.expiresAt}, not in the future`);
  const recorded = (await records.reservations(this.concertId())).find((r) => r.reservationId === hold.reservationId);
  expectEqual(recorded && `${recorded.seatId} ${recorded.userId} ${recorded.status} at ${recorded.amount}`, `${seatId} ${fan.userId} HELD at ${price}`, `${fan}'s hold on record`);
});

Then('{fan} gets the same reservation again', function (this: TicketWorld, fan: Fan) {
  expectAnswer(this.latest, 200);
  const [first, again] = fan.reservations.slice(-2);
  expectEqual(again?.reservationId, first?.reservationId, `the reservation ${fan} got asking again for the seat she holds`);
});

Then('exactly {int} fan(s) hold(s) a seat and the other {int} is/are told it is unavailable', function (this: TicketWorld, winners: number, losers: number) {
  const tally: Record<string, number> = {};
  for (const answer of this.crowdAnswers) tally[String(answer)] = (tally[String(answer)] ?? 0) + 1;
  expectEqual(tally, { '201': winners, '409 SEAT_UNAVAILABLE': losers }, 'answers to the fans who raced');
});

Then('no seat is held by more than one fan', async function (this: TicketWorld) {
  const held = this.crowd.flatMap((fan) => fan.reservations.map((r) => r.seatId));
  expectEqual(new Set(held).size, held.length, `distinct seats among the holds granted (${held.sort().join(', ')})`);
  const recorded = (await records.reservations(this.concertId())).filter((r) => r.status === 'HELD');
  expectEqual(recorded.length, held.length, 'holds on record, against holds granted');
  expectEqual(new Set(recorded.map((r) => r.seatId)).size, recorded.length, 'distinct seats among the holds on record');
});

// ---- Reservations, as the fan and as the records see them -------------------------------------

Then('seat {word} is {word}', async function (this: TicketWorld, seatId: string, status: string) {
  expectEqual(await records.seatState(this.concertId(), seatId), status, `seat ${seatId} on record`);
});

Then('every seat of the concert is {word}', async function (this: TicketWorld, status: string) {
  const seatIds = await records.seatIds(this.concertId());
  const states = await Promise.all(seatIds.map(async (seatId) => `${seatId} ${await records.seatState(this.concertId(), seatId)}`));
  expectEqual(states, seatIds.map((seatId) => `${seatId} ${status}`), 'every seat on record');
});

Then("{fan}'s reservation is {word}", async function (this: TicketWorld, fan: Fan, status: string) {
  const { reservationId } = fan.heldReservation();
  expectEqual((await records.reservation(reservationId))?.status, status, `${fan}'s reservation on record`);
});

Then('{fan} sees her/his reservation as {word}', async function (this: TicketWorld, fan: Fan, status: string) {
  expectEqual((await fan.lookUpReservation()).value.status, status, `${fan}'s reservation as she sees it`);
});

When('{fan} looks up {reservation}', async function (this: TicketWorld, fan: Fan, reservation: (actor: Fan) => string) {
  await fan.lookUpReservation(reservation(fan));
});

Then(
  '{fan} can neither look up nor pay for her/his {concert} reservation with her/his turn for {concert}',
  async function (this: TicketWorld, fan: Fan, _held: string, other: string) {
    const { reservationId } = fan.heldReservation();
    const token = fan.token(other);
    expectAnswer(await fan.lookUpReservation(reservationId, { token }), 404, 'RESERVATION_NOT_FOUND');
    expectAnswer(await fan.pay({ reservationId, token }), 404, 'RESERVATION_NOT_FOUND');
  },
);

Then("{fan}'s hold runs out without anyone asking", async function (this: TicketWorld, fan: Fan) {
  // Only the records are read: no request could have expired the hold, so the sweeper did.
  await records.untilReservationIs(this.concertId(), fan.heldReservation().reservationId, 'EXPIRED', `${fan}'s hold to be expired by the sweeper`);
});

Then('no seat of {concert} is reserved', async function (this: TicketWorld, concert: string) {
  const recorded = await records.reservations(this.concertId(concert));
  expectEqual(recorded.map((r) => `${r.seatId} ${r.status} by ${r.userId}`), [], `reservations on record for ${concert}`);
});

/** Reservation requests that break the contract's rules. */
const malformedReservations: Record<string, (concertId: string) => unknown> = {
  'without a seat': (concertId) => ({ concertId }),
  'with a seat given as a number': (concertId) => ({ concertId, seatId: 1 }),
  'with a seat name full of symbols': (concertId) => ({ concertId, seatId: "A1'; DELETE FROM seats; --" }),
  'with a seat name that is too long': (concertId) => ({ concertId, seatId: 'A'.repeat(65) }),
  'that is not valid JSON': (concertId) => ({ text: `{"concertId": "${concertId}", "seatId": ` }),
  'that is a list instead of a record': (concertId) => [concertId, 'A1'],
};

When('{fan} sends a reservation request {}', async function (this: TicketWorld, fan: Fan, problem: string) {
  expectThat(problem in malformedReservations, `no malformed request "${problem}"; known: ${Object.keys(malformedReservations).join(', ')}`);
  await fan.sendReservationRequest(malformedReservations[problem](this.concertId()));
});

/** Requests a fan's app should never send, and how. */
const unusualRequests: Record<string, { method?: 'PUT'; padBytes?: number }> = {
  'with a method it does not take': { method: 'PUT' },
  'with a body larger than 16 kB': { padBytes: 17 * 1024 },
};

When('{fan} sends a request to {request} {}', async function (this: TicketWorld, fan: Fan, request: 'entry' | 'reservation', problem: string) {
  expectThat(problem in unusualRequests, `no unusual request "${problem}"; known: ${Object.keys(unusualRequests).join(', ')}`);
  await fan.sendUnusual(request, unusualRequests[problem]);
});
