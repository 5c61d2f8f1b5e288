import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { adminApi } from '../support/admin-api.ts';
import { becomeActive, enterQueue, queueStats, statusOf, tokenOf, type EntryBody } from '../support/journeys.ts';
import { queueApi } from '../support/queue-api.ts';
import type { TicketWorld } from '../support/world.ts';

/** Tokens fans held before they entered again, to compare with the new one. */
const earlierTokens = new WeakMap<TicketWorld, Map<string, string | undefined>>();
const rememberToken = (world: TicketWorld, name: string) => {
  const tokens = earlierTokens.get(world) ?? new Map<string, string | undefined>();
  tokens.set(name, world.fan(name).token);
  earlierTokens.set(world, tokens);
};
const earlierToken = (world: TicketWorld, name: string) => {
  const token = earlierTokens.get(world)?.get(name);
  assert.ok(token, `${name} had no earlier token`);
  return token;
};

When('{word} enters the queue', async function (this: TicketWorld, name: string) {
  this.last = await enterQueue(this, name);
});

When('{word} enters the queue through queue server {int}', async function (this: TicketWorld, name: string, instance: number) {
  this.last = await enterQueue(this, name, { instance });
});

When('{word} enters the queue again', async function (this: TicketWorld, name: string) {
  rememberToken(this, name);
  this.last = await enterQueue(this, name);
});

When('{fans} enter the queue in that order', async function (this: TicketWorld, names: string[]) {
  for (const name of names) await enterQueue(this, name);
});

When(
  '{fans} enter the queue in that order, alternating between the queue servers',
  async function (this: TicketWorld, names: string[]) {
    for (const [i, name] of names.entries()) await enterQueue(this, name, { instance: (i % 2) + 1 });
  },
);

Then('the entry is accepted as new', function (this: TicketWorld) {
  assert.equal(this.last?.status, 201);
});

Then('the entry is recognised as a re-entry', function (this: TicketWorld) {
  assert.equal(this.last?.status, 200);
});

Then('{word} is {word} at position {int}', async function (this: TicketWorld, name: string, status: string, position: number) {
  const res = await statusOf(this, name);
  assert.equal(res.status, 200, `status answered ${res.status}: ${JSON.stringify(res.body)}`);
  const body = res.body as EntryBody;
  assert.deepEqual({ status: body.status, position: body.position }, { status, position });
});

Then(
  '{word} is {word} at position {int} according to queue server {int}',
  async function (this: TicketWorld, name: string, status: string, position: number, instance: number) {
    const res = await statusOf(this, name, instance);
    assert.equal(res.status, 200, `status answered ${res.status}: ${JSON.stringify(res.body)}`);
    const body = res.body as EntryBody;
    assert.deepEqual({ status: body.status, position: body.position }, { status, position });
  },
);

Then('{fans} are waiting at positions 1 to {int}', async function (this: TicketWorld, names: string[], last: number) {
  assert.equal(names.length, last, 'one fan per position');
  const seen = [];
  for (const name of names) {
    const res = await statusOf(this, name);
    const body = res.body as EntryBody;
    seen.push({ name, status: body.status, position: body.position });
  }
  assert.deepEqual(seen, names.map((name, i) => ({ name, status: 'WAITING', position: i + 1 })));
});

Then('{word} keeps the same token', function (this: TicketWorld, name: string) {
  assert.equal((this.last?.body as EntryBody).token, earlierToken(this, name));
});

Then('{word} has a new token', function (this: TicketWorld, name: string) {
  assert.notEqual(tokenOf(this, name), earlierToken(this, name));
});

Then("{word}'s old token has expired", async function (this: TicketWorld, name: string) {
  const res = await queueApi.status(this.api, this.queueUrl(), earlierToken(this, name));
  assert.deepEqual([res.status, (res.body as { error?: { code: string } }).error?.code], [410, 'TOKEN_EXPIRED']);
});

Then('{word} is told she/he is at position {int} of {int} waiting', function (this: TicketWorld, name: string, position: number, total: number) {
  const body = this.fan(name).lastEntry?.body as EntryBody;
  assert.deepEqual({ status: body.status, position: body.position, totalWaiting: body.totalWaiting }, { status: 'WAITING', position, totalWaiting: total });
});

Then('{word} is given a wait estimate and told to check again within a minute', function (this: TicketWorld, name: string) {
  const body = this.fan(name).lastEntry?.body as EntryBody;
  assert.ok(Number.isInteger(body.estimatedWaitSeconds) && body.estimatedWaitSeconds >= 0, `estimate ${body.estimatedWaitSeconds}`);
  assert.ok(body.pollAfterMs >= 1000 && body.pollAfterMs <= 60_000, `check again after ${body.pollAfterMs} ms`);
});

When('{word} tries to enter the queue for a concert that is not on sale', async function (this: TicketWorld, name: string) {
  this.last = await queueApi.enter(this.api, this.queueUrl(), { concertId: this.concertId('a concert never put on sale'), userId: this.fan(name).userId });
});

Then('she/he is turned away because the concert was not found', function (this: TicketWorld) {
  assert.deepEqual([this.last?.status, (this.last?.body as { error?: { code: string } }).error?.code], [404, 'CONCERT_NOT_FOUND']);
});

/** Entry requests that break the contract's rules for identifiers and bodies. */
const unusableEntries: Record<string, (world: TicketWorld) => unknown> = {
  'no fan name': (w) => ({ concertId: w.concertId() }),
  'no concert': (w) => ({ userId: w.fan('Someone').userId }),
  'a fan name longer than 64 characters': (w) => ({ concertId: w.concertId(), userId: 'x'.repeat(65) }),
  'a fan name with spaces in it': (w) => ({ concertId: w.concertId(), userId: 'some one' }),
  'a fan name that is a number': (w) => ({ concertId: w.concertId(), userId: 42 }),
  'a concert name with forbidden characters': (w) => ({ concertId: `${w.concertId()}/../x`, userId: w.fan('Someone').userId }),
  'details that are a list': (w) => [w.concertId(), w.fan('Someone').userId],
};

When('someone tries to enter the queue with {}', async function (this: TicketWorld, problem: string) {
  if (problem === 'text that is not JSON') {
    this.last = await queueApi.enterRaw(this.api, this.queueUrl(), `{"concertId": "${this.concertId()}", "userId": `);
    return;
  }
  const body = unusableEntries[problem];
  assert.ok(body, `no example of an entry with ${problem}`);
  this.last = await queueApi.enter(this.api, this.queueUrl(), body(this));
});

Then('the request is refused as invalid', function (this: TicketWorld) {
  assert.deepEqual([this.last?.status, (this.last?.body as { error?: { code: string } }).error?.code], [400, 'VALIDATION_FAILED']);
});

Then('the queue statistics still show {int} entered and {int} waiting', async function (this: TicketWorld, entered: number, waiting: number) {
  const stats = await queueStats(this);
  assert.deepEqual({ entered: stats.entered, waiting: stats.waiting }, { entered, waiting });
});

Given('{word} has been let in and is active', async function (this: TicketWorld, name: string) {
  await becomeActive(this, name);
});

Given('admission to the concert is resumed', async function (this: TicketWorld) {
  const res = await adminApi.resumeAdmission(this.api, this.queueUrl(), this.concertId());
  assert.equal(res.status, 204, `resuming answered ${res.status}: ${JSON.stringify(res.body)}`);
});
