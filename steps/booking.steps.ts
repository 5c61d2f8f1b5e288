import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { adminApi } from '../support/admin-api.ts';
import { bookingOf, bookings } from '../support/bookings.ts';
import { coreApi, type ErrorView, type ReservationView, type SeatView } from '../support/core-api.ts';
import { records } from '../support/database.ts';
import type { Exchange } from '../support/http/api-client.ts';
import { becomeActive } from '../support/journeys.ts';
import { eventually } from '../support/polling.ts';
import { queueApi } from '../support/queue-api.ts';
import type { TicketWorld } from '../support/world.ts';

const show = (res: Exchange) => `${res.status} ${JSON.stringify(res.body)}`;
const errorCode = (res: Exchange | undefined) => (res?.body as ErrorView | undefined)?.error?.code;

function tokenOf(world: TicketWorld, name: string): string {
  const token = world.fan(name).token;
  assert.ok(token, `${name} has no queue token yet`);
  return token;
}

async function setPolicy(world: TicketWorld, policy: Record<string, number>) {
  const res = await adminApi.setQueuePolicy(world.api, world.queueUrl(), world.concertId(), policy);
  assert.equal(res.status, 200, `setting the queue policy answered ${show(res)}`);
}

async function listSeats(world: TicketWorld, name: string, concert = 'the concert'): Promise<SeatView[]> {
  const res = await coreApi.seats(world.api, tokenOf(world, name), world.concertId(concert));
  assert.equal(res.status, 200, `listing seats answered ${show(res)}`);
  return (res.body as { seats: SeatView[] }).seats;
}

/** Reserves and remembers the answer; a hold (201 or 200) becomes the fan's reservation. */
async function reserve(world: TicketWorld, name: string, seatId: string, concert = 'the concert'): Promise<Exchange> {
  const res = await world.remember(coreApi.reserve(world.api, world.fan(name).token, { concertId: world.concertId(concert), seatId }));
  if (res.status === 201 || res.status === 200) bookingOf(world, name).reservation = res.body as ReservationView;
  return res;
}

function reservationOf(world: TicketWorld, name: string): ReservationView {
  const reservation = bookingOf(world, name).reservation;
  assert.ok(reservation, `${name} has not reserved anything`);
  return reservation;
}

// --- Setting the stage --------------------------------------------------------------------

Given('seats are held for {int} second(s)', async function (this: TicketWorld, seconds: number) {
  await setPolicy(this, { holdSeconds: seconds });
  bookings(this).holdSeconds = seconds;
});

Given('only {int} fan(s) may shop at a time', async function (this: TicketWorld, limit: number) {
  await setPolicy(this, { activeLimit: limit });
});

Given('shoppers who stay idle for {int} second(s) lose their turn', async function (this: TicketWorld, seconds: number) {
  await setPolicy(this, { activeIdleSeconds: seconds });
});

Given('a second concert {string} with {int} seats is on sale', async function (this: TicketWorld, name: string, seatCount: number) {
  const res = await adminApi.createConcert(this.api, { concertId: this.concertId(name), name, seatCount, price: 50_000 });
  assert.equal(res.status, 201, `creating ${name} answered ${show(res)}`);
});

Given('{int} fans have been let in and are active', async function (this: TicketWorld, count: number) {
  await Promise.all(Array.from({ length: count }, (_, i) => becomeActive(this, `Fan${i + 1}`)));
});

Given('{word} holds seat {word}', async function (this: TicketWorld, name: string, seatId: string) {
  const res = await reserve(this, name, seatId);
  assert.equal(res.status, 201, `reserving ${seatId} answered ${show(res)}`);
});

// --- The queue, seen from the buyer's side --------------------------------------------------

When('{word} waits until she/he is let in', async function (this: TicketWorld, name: string) {
  const token = tokenOf(this, name);
  await eventually(
    () => queueApi.status(this.api, this.queueUrl(), token),
    (res) => res.status === 200 && (res.body as { status: string }).status === 'READY',
    { what: `${name} to be let in`, timeoutMs: 15_000 },
  );
});

When('{word} starts shopping', async function (this: TicketWorld, name: string) {
  const res = await queueApi.activate(this.api, this.queueUrl(), tokenOf(this, name));
  assert.equal(res.status, 200, `activating answered ${show(res)}`);
});

Then('{word} is let in to shop', async function (this: TicketWorld, name: string) {
  const token = tokenOf(this, name);
  await eventually(
    () => queueApi.status(this.api, this.queueUrl(), token),
    (res) => res.status === 200 && (res.body as { status: string }).status === 'READY',
    { what: `${name} to be let in once a shopper finished`, timeoutMs: 15_000 },
  );
});

Then("{word}'s queue token is no longer accepted", async function (this: TicketWorld, name: string) {
  const token = tokenOf(this, name);
  const queue = await queueApi.status(this.api, this.queueUrl(), token);
  assert.equal(queue.status, 410, `the queue answered ${show(queue)}`);
  const core = await coreApi.seats(this.api, token, this.concertId());
  assert.equal(core.status, 410, `the box office answered ${show(core)}`);
  assert.equal(errorCode(core), 'TOKEN_EXPIRED');
});

When('{word} stays idle until her/his turn has lapsed', async function (this: TicketWorld, name: string) {
  // Only the queue is asked (it does not extend the turn); any box-office call would.
  const token = tokenOf(this, name);
  await eventually(
    () => queueApi.status(this.api, this.queueUrl(), token),
    (res) => res.status === 410,
    { what: `${name}'s turn to lapse`, timeoutMs: 15_000 },
  );
});

// --- Looking at seats -----------------------------------------------------------------------

Then('{word} sees {int} seats, all available', async function (this: TicketWorld, name: string, count: number) {
  const seats = await listSeats(this, name);
  assert.equal(seats.length, count);
  assert.deepEqual(
    seats.filter((s) => s.status !== 'AVAILABLE').map((s) => s.seatId),
    [],
  );
});

Then('{word} sees seat {word} as {word}', async function (this: TicketWorld, name: string, seatId: string, status: string) {
  const seat = (await listSeats(this, name)).find((s) => s.seatId === seatId);
  assert.equal(seat?.status, status, `seat ${seatId}: ${JSON.stringify(seat)}`);
});

Then('{word} sees every seat as {word}', async function (this: TicketWorld, name: string, status: string) {
  const seats = await listSeats(this, name);
  assert.ok(seats.length > 0);
  assert.deepEqual(
    seats.filter((s) => s.status !== status).map((s) => `${s.seatId}:${s.status}`),
    [],
  );
});

Then('after the hold runs out, {word} sees seat {word} as AVAILABLE again', async function (this: TicketWorld, name: string, seatId: string) {
  const token = tokenOf(this, name);
  await eventually(
    () => coreApi.seats(this.api, token, this.concertId()),
    (res) => res.status === 200 && (res.body as { seats: SeatView[] }).seats.find((s) => s.seatId === seatId)?.status === 'AVAILABLE',
    { what: `seat ${seatId} to be available again`, timeoutMs: 10_000, intervalMs: 200 },
  );
});

When('{word} looks at the seats of {string}', async function (this: TicketWorld, name: string, concert: string) {
  await this.remember(coreApi.seats(this.api, this.fan(name).token, this.concertId(concert)));
});

When('someone without a queue token looks at the seats', async function (this: TicketWorld) {
  await this.remember(coreApi.seats(this.api, undefined, this.concertId()));
});

When('someone with a forged queue token looks at the seats', async function (this: TicketWorld) {
  const forged = `v1.${Buffer.from(`${this.concertId()}|mallory|entry`).toString('base64url')}.${Buffer.alloc(32).toString('base64url')}`;
  await this.remember(coreApi.seats(this.api, forged, this.concertId()));
});

// --- Reserving ------------------------------------------------------------------------------

When('{word} reserves seat {word}', async function (this: TicketWorld, name: string, seatId: string) {
  await reserve(this, name, seatId);
});

When('{word} tries to reserve seat {word}', async function (this: TicketWorld, name: string, seatId: string) {
  await reserve(this, name, seatId);
});

When('{word} tries to reserve seat {word} of {string}', async function (this: TicketWorld, name: string, seatId: string, concert: string) {
  await reserve(this, name, seatId, concert);
});

Then("{word} holds seat {word} at the seat's price", async function (this: TicketWorld, name: string, seatId: string) {
  assert.equal(this.last?.status, 201, `reserving answered ${show(this.last!)}`);
  const hold = this.last!.body as ReservationView;
  const price = await records.seatPrice(this.concertId(), seatId);
  assert.equal(hold.seatId, seatId);
  assert.equal(hold.status, 'HELD');
  assert.equal(hold.amount, price, 'a hold costs the seat price');
  assert.ok(Date.parse(hold.expiresAt) > Date.now(), `the hold ends in the future: ${hold.expiresAt}`);
  const recorded = (await records.reservations(this.concertId())).find((r) => r.reservationId === hold.reservationId);
  assert.deepEqual(
    { seatId: recorded?.seatId, userId: recorded?.userId, status: recorded?.status, amount: recorded?.amount },
    { seatId, userId: this.fan(name).userId, status: 'HELD', amount: price },
  );
});

Then('{word} gets the same reservation again', function (this: TicketWorld, name: string) {
  assert.equal(this.last?.status, 200, `reserving again answered ${show(this.last!)}`);
  assert.equal((this.last!.body as ReservationView).reservationId, reservationOf(this, name).reservationId);
});

Then('the reservation is refused because the seat is unavailable', function (this: TicketWorld) {
  assert.equal(this.last?.status, 409, show(this.last!));
  assert.equal(errorCode(this.last), 'SEAT_UNAVAILABLE');
});

Then('the reservation is refused because {word} already holds a seat', function (this: TicketWorld, _name: string) {
  assert.equal(this.last?.status, 409, show(this.last!));
  assert.equal(errorCode(this.last), 'RESERVATION_LIMIT');
});

When('{word} and {word} reserve seat {word} at the same instant', async function (this: TicketWorld, a: string, b: string, seatId: string) {
  const [first, second] = await Promise.all([
    coreApi.reserve(this.api, tokenOf(this, a), { concertId: this.concertId(), seatId }),
    coreApi.reserve(this.api, tokenOf(this, b), { concertId: this.concertId(), seatId }),
  ]);
  bookings(this).crowd.set(a, first).set(b, second);
});

Then('exactly one of them holds seat {word} and the other is told it is unavailable', async function (this: TicketWorld, seatId: string) {
  const answers = [...bookings(this).crowd.values()];
  assert.deepEqual(
    answers.map((r) => `${r.status} ${r.status === 201 ? (r.body as ReservationView).seatId : errorCode(r)}`).sort(),
    [`201 ${seatId}`, '409 SEAT_UNAVAILABLE'],
  );
  const live = (await records.reservations(this.concertId())).filter((r) => r.seatId === seatId);
  assert.equal(live.length, 1, `records show ${JSON.stringify(live)}`);
});

When('the {int} fans each reserve one of the {int} seats at the same instant', async function (this: TicketWorld, fans: number, seats: number) {
  const names = Array.from({ length: fans }, (_, i) => `Fan${i + 1}`);
  const answers = await Promise.all(
    names.map((name, i) => coreApi.reserve(this.api, tokenOf(this, name), { concertId: this.concertId(), seatId: `A${(i % seats) + 1}` })),
  );
  names.forEach((name, i) => bookings(this).crowd.set(name, answers[i]));
});

Then('exactly {int} fans hold a seat and the other {int} are told it is unavailable', function (this: TicketWorld, winners: number, losers: number) {
  const answers = [...bookings(this).crowd.values()];
  const tally = new Map<string, number>();
  for (const r of answers) {
    const key = r.status === 201 ? '201' : `${r.status} ${errorCode(r)}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(tally), { '201': winners, '409 SEAT_UNAVAILABLE': losers });
});

Then('no seat is held by more than one fan', async function (this: TicketWorld) {
  const held = [...bookings(this).crowd.values()].filter((r) => r.status === 201).map((r) => (r.body as ReservationView).seatId);
  assert.equal(new Set(held).size, held.length, `seats granted twice: ${held.sort().join(', ')}`);
  const recorded = (await records.reservations(this.concertId())).filter((r) => r.status === 'HELD');
  assert.equal(recorded.length, held.length, 'the records hold exactly the holds that were granted');
  assert.equal(new Set(recorded.map((r) => r.seatId)).size, recorded.length);
});

Then('every seat of the concert is {word}', async function (this: TicketWorld, status: string) {
  const seatIds = await records.seatIds(this.concertId());
  assert.ok(seatIds.length > 0);
  for (const seatId of seatIds) assert.equal(await records.seatState(this.concertId(), seatId), status, `seat ${seatId}`);
});

// --- Reservations, as the fan and as the records see them -------------------------------------

Then('seat {word} is {word}', async function (this: TicketWorld, seatId: string, status: string) {
  assert.equal(await records.seatState(this.concertId(), seatId), status);
});

Then("{word}'s reservation is {word}", async function (this: TicketWorld, name: string, status: string) {
  const reservationId = reservationOf(this, name).reservationId;
  const recorded = (await records.reservations(this.concertId())).find((r) => r.reservationId === reservationId);
  assert.equal(recorded?.status, status, `records show ${JSON.stringify(recorded)}`);
});

Then('{word} sees her/his reservation as {word}', async function (this: TicketWorld, name: string, status: string) {
  const res = await coreApi.reservation(this.api, tokenOf(this, name), reservationOf(this, name).reservationId);
  assert.equal(res.status, 200, show(res));
  assert.equal((res.body as ReservationView).status, status);
});

Then('the hold of {word} runs out without anyone asking', async function (this: TicketWorld, name: string) {
  // Only the records are read: no request could have expired the hold, so the sweeper did.
  const reservationId = reservationOf(this, name).reservationId;
  await eventually(
    async () => (await records.reservations(this.concertId())).find((r) => r.reservationId === reservationId)?.status,
    (status) => status === 'EXPIRED',
    { what: 'the hold to be expired by the sweeper', timeoutMs: 10_000, intervalMs: 200 },
  );
});

Then('no seat of the concert is reserved', async function (this: TicketWorld) {
  assert.deepEqual(await records.reservations(this.concertId()), []);
});

Then('no seat of {string} is reserved', async function (this: TicketWorld, concert: string) {
  assert.deepEqual(await records.reservations(this.concertId(concert)), []);
});

When('{word} looks up a reservation that does not exist', async function (this: TicketWorld, name: string) {
  await this.remember(coreApi.reservation(this.api, tokenOf(this, name), '3f2504e0-4f89-41d3-9a0c-0305e82c3301'));
});

const MALFORMED: Record<string, (concertId: string) => unknown> = {
  'without a seat': (concertId) => ({ concertId }),
  'with a seat given as a number': (concertId) => ({ concertId, seatId: 1 }),
  'with a seat name full of symbols': (concertId) => ({ concertId, seatId: "A1'; DELETE FROM seats; --" }),
  'with a seat name that is too long': (concertId) => ({ concertId, seatId: 'A'.repeat(65) }),
  'that is a list instead of a record': (concertId) => [concertId, 'A1'],
};

When('{word} sends a reservation request {}', async function (this: TicketWorld, name: string, problem: string) {
  const token = tokenOf(this, name);
  if (problem === 'that is not valid JSON') {
    await this.remember(coreApi.reserveRaw(this.api, token, `{"concertId": "${this.concertId()}", "seatId": `));
    return;
  }
  const body = MALFORMED[problem];
  assert.ok(body, `no malformed request "${problem}"; known: ${Object.keys(MALFORMED).join(', ')}`);
  await this.remember(coreApi.reserve(this.api, token, body(this.concertId())));
});

// --- Any refusal ----------------------------------------------------------------------------

Then('the request is refused with {int} {word}', function (this: TicketWorld, status: number, code: string) {
  assert.ok(this.last, 'no request was made');
  assert.equal(this.last.status, status, show(this.last));
  assert.equal(errorCode(this.last), code);
});
