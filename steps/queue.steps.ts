import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { becomeActive } from '../support/journeys.ts';
import { queueApi } from '../support/queue-api.ts';
import type { TicketWorld } from '../support/world.ts';

type EntryBody = { status: string; token: string; position: number | null; totalWaiting: number };

When('{word} enters the queue', async function (this: TicketWorld, name: string) {
  const fan = this.fan(name);
  const res = await this.remember(queueApi.enter(this.api, this.queueUrl(), { concertId: this.concertId(), userId: fan.userId }));
  assert.ok(res.status === 201 || res.status === 200, `enter answered ${res.status}: ${JSON.stringify(res.body)}`);
  fan.lastEntry = res;
  fan.token = (res.body as EntryBody).token;
});

When('{word} enters the queue again', async function (this: TicketWorld, name: string) {
  const fan = this.fan(name);
  await this.remember(queueApi.enter(this.api, this.queueUrl(), { concertId: this.concertId(), userId: fan.userId }));
});

Then('the entry is accepted as new', function (this: TicketWorld) {
  assert.equal(this.last?.status, 201);
});

Then('the entry is recognised as a re-entry', function (this: TicketWorld) {
  assert.equal(this.last?.status, 200);
});

Then('{word} is {word} at position {int}', async function (this: TicketWorld, name: string, status: string, position: number) {
  const res = await queueApi.status(this.api, this.queueUrl(), this.fan(name).token);
  assert.equal(res.status, 200, `status answered ${res.status}: ${JSON.stringify(res.body)}`);
  const body = res.body as EntryBody;
  assert.equal(body.status, status);
  assert.equal(body.position, position);
});

Then('{word} keeps the same token', function (this: TicketWorld, name: string) {
  const fan = this.fan(name);
  assert.equal((this.last?.body as EntryBody).token, fan.token);
});

Given('{word} has been let in and is active', async function (this: TicketWorld, name: string) {
  await becomeActive(this, name);
});
