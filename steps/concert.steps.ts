import { Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { adminApi } from '../support/admin-api.ts';
import { coreApi, type SeatView } from '../support/core-api.ts';
import { records } from '../support/database.ts';
import type { Exchange } from '../support/http/api-client.ts';
import { target } from '../support/target.ts';
import type { TicketWorld } from '../support/world.ts';

const show = (res: Exchange) => `${res.status} ${JSON.stringify(res.body)}`;
/** Prices are written in the currency (80.00) and sent in minor units (8000). */
const minorUnits = (amount: number) => Math.round(amount * 100);

When('the operator puts a concert with {int} seats at {float} on sale', async function (this: TicketWorld, seatCount: number, price: number) {
  await this.remember(
    adminApi.createConcert(this.api, { concertId: this.concertId(), name: 'Midnight Rush Tour', seatCount, price: minorUnits(price) }),
  );
});

Then('the concert is created', async function (this: TicketWorld) {
  assert.equal(this.last?.status, 201, show(this.last!));
  const created = this.last!.body as { concertId: string; seatCount: number };
  assert.equal(created.concertId, this.concertId());
  assert.equal((await records.seatIds(this.concertId())).length, created.seatCount);
});

When('the operator puts the same concert on sale again with {int} seats', async function (this: TicketWorld, seatCount: number) {
  await this.remember(adminApi.createConcert(this.api, { concertId: this.concertId(), name: 'Second try', seatCount, price: 100 }));
});

Then('the concert still has {int} seats', async function (this: TicketWorld, seatCount: number) {
  assert.equal((await records.seatIds(this.concertId())).length, seatCount);
});

const INVALID: Record<string, (concertId: string) => Record<string, unknown>> = {
  'no seats': (concertId) => ({ concertId, name: 'No seats', seatCount: 0, price: 100 }),
  'a negative price': (concertId) => ({ concertId, name: 'Negative', seatCount: 10, price: -1 }),
  'a fractional price': (concertId) => ({ concertId, name: 'Fractional', seatCount: 10, price: 10.5 }),
  'no name': (concertId) => ({ concertId, seatCount: 10, price: 100 }),
  'an unusable id': (concertId) => ({ concertId: `${concertId}/../x`, name: 'Bad id', seatCount: 10, price: 100 }),
};

When('the operator puts a concert on sale with {}', async function (this: TicketWorld, problem: string) {
  const body = INVALID[problem];
  assert.ok(body, `no invalid concert "${problem}"; known: ${Object.keys(INVALID).join(', ')}`);
  await this.remember(adminApi.createConcert(this.api, body(this.concertId()) as never));
});

When('someone without operator credentials puts a concert on sale', async function (this: TicketWorld) {
  await this.remember(
    this.api.send('POST', `${target.coreUrl}/admin/concerts`, {
      headers: { authorization: 'Bearer not-the-admin-token' },
      body: { concertId: this.concertId(), name: 'Intruder', seatCount: 10, price: 100 },
    }),
  );
});

Then('the concert does not exist', async function (this: TicketWorld) {
  assert.equal(await records.concertExists(this.concertId()), false);
});

Then('{word} sees {int} seats labelled {}, all available at {float}', async function (this: TicketWorld, name: string, count: number, labels: string, price: number) {
  const res = await coreApi.seats(this.api, this.fan(name).token, this.concertId());
  assert.equal(res.status, 200, show(res));
  const seats = (res.body as { seats: SeatView[] }).seats;
  assert.equal(seats.length, count);
  assert.deepEqual(
    seats.map((s) => s.label),
    expandLabels(labels),
  );
  assert.ok(seats.every((s) => s.status === 'AVAILABLE' && s.price === minorUnits(price)), JSON.stringify(seats.slice(0, 3)));
});

/** "A1 to A10, B1 to B3 and C1 to C2" → A1…A10, B1…B3, C1, C2. */
function expandLabels(text: string): string[] {
  return text.split(/, | and /).flatMap((range) => {
    const match = /^([A-Z]+)(\d+) to \1(\d+)$/.exec(range.trim());
    assert.ok(match, `"${range}" is not a range like "A1 to A10"`);
    const [, row, from, to] = match;
    return Array.from({ length: Number(to) - Number(from) + 1 }, (_, i) => `${row}${Number(from) + i}`);
  });
}
