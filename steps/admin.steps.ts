import { Given } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { adminApi } from '../support/admin-api.ts';
import type { TicketWorld } from '../support/world.ts';

Given('a concert with {int} seats is on sale', async function (this: TicketWorld, seatCount: number) {
  const res = await adminApi.createConcert(this.api, {
    concertId: this.concertId(),
    name: 'Midnight Rush Tour',
    seatCount,
    price: 50_000,
  });
  assert.equal(res.status, 201, `creating the concert answered ${res.status}: ${JSON.stringify(res.body)}`);
});

Given('admission to the concert is paused', async function (this: TicketWorld) {
  const res = await adminApi.pauseAdmission(this.api, this.queueUrl(), this.concertId());
  assert.equal(res.status, 204, `pausing answered ${res.status}: ${JSON.stringify(res.body)}`);
});
