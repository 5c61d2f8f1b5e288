import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import {
  queueStats,
  setQueuePolicy,
  statusOf,
  tokenOf,
  waitForStatus,
  waitUntilExpired,
  type EntryBody,
} from '../support/journeys.ts';
import { eventually } from '../support/polling.ts';
import { queueApi } from '../support/queue-api.ts';
import type { TicketWorld } from '../support/world.ts';

type ErrorBody = { error?: { code: string } };
const errorCode = (body: unknown) => (body as ErrorBody).error?.code;

// Policy, in the words of the business.

Given('the waiting room lets at most {int} fan(s) in at a time', async function (this: TicketWorld, activeLimit: number) {
  await setQueuePolicy(this, { activeLimit });
});

Given('the waiting room admits up to {int} fan(s) a second', async function (this: TicketWorld, admitPerSecond: number) {
  await setQueuePolicy(this, { admitPerSecond });
});

Given('a fan who is let in has {int} second(s) to take their turn', async function (this: TicketWorld, readyTtlSeconds: number) {
  await setQueuePolicy(this, { readyTtlSeconds });
});

Given('an active fan who does nothing for {int} second(s) loses their turn', async function (this: TicketWorld, activeIdleSeconds: number) {
  await setQueuePolicy(this, { activeIdleSeconds });
});

// Being let in (READY).

Then('{word} is let in', async function (this: TicketWorld, name: string) {
  await waitForStatus(this, name, 'READY');
});

Then('{word} is let in according to queue server {int}', async function (this: TicketWorld, name: string, instance: number) {
  await waitForStatus(this, name, 'READY', instance);
});

Then('{fans} are let in', async function (this: TicketWorld, names: string[]) {
  for (const name of names) await waitForStatus(this, name, 'READY');
});

When('{fans} are let in but keep their places', async function (this: TicketWorld, names: string[]) {
  for (const name of names) await waitForStatus(this, name, 'READY');
});

Then('as each fan who was let in leaves, the next is let in: {fans}', async function (this: TicketWorld, names: string[]) {
  for (const [i, name] of names.entries()) {
    await waitForStatus(this, name, 'READY');
    // Everyone who arrived later is still waiting, in arrival order.
    for (const [j, later] of names.slice(i + 1).entries()) {
      const body = (await statusOf(this, later)).body as EntryBody;
      assert.deepEqual([later, body.status, body.position], [later, 'WAITING', j + 1], `${name} was let in, but not only ${name}`);
    }
    const left = await queueApi.exit(this.api, this.queueUrl(), tokenOf(this, name));
    assert.equal(left.status, 204);
  }
});

Then(
  'the queue statistics show {int} ready, {int} active and {int} waiting',
  async function (this: TicketWorld, ready: number, active: number, waiting: number) {
    const stats = await queueStats(this);
    assert.deepEqual({ ready: stats.ready, active: stats.active, waiting: stats.waiting }, { ready, active, waiting });
  },
);

Then(
  'the queue statistics show {int} ready, {int} active and {int} waiting on every queue server',
  async function (this: TicketWorld, ready: number, active: number, waiting: number) {
    for (const instance of [1, 2]) {
      const stats = await queueStats(this, instance);
      assert.deepEqual({ instance, ready: stats.ready, active: stats.active, waiting: stats.waiting }, { instance, ready, active, waiting });
    }
  },
);

Then('the queue statistics count {int} {word}', async function (this: TicketWorld, count: number, reason: 'expired' | 'exited' | 'completed') {
  const stats = await queueStats(this);
  assert.equal(stats[reason], count, `${reason}: ${JSON.stringify(stats)}`);
});

// Taking a turn (ACTIVE).

When('{word} takes her/his turn', async function (this: TicketWorld, name: string) {
  this.last = await queueApi.activate(this.api, this.queueUrl(), tokenOf(this, name));
  assert.equal(this.last.status, 200, `taking the turn answered ${this.last.status}: ${JSON.stringify(this.last.body)}`);
});

When('{word} takes her/his turn through queue server {int}', async function (this: TicketWorld, name: string, instance: number) {
  this.last = await queueApi.activate(this.api, this.queueUrl(instance), tokenOf(this, name));
  assert.equal(this.last.status, 200, `taking the turn answered ${this.last.status}: ${JSON.stringify(this.last.body)}`);
});

Then('{word} is ACTIVE until a time in the future', async function (this: TicketWorld, name: string) {
  const activated = this.last?.body as { status: string; expiresAt: string };
  assert.equal(activated.status, 'ACTIVE');
  assert.ok(Date.parse(activated.expiresAt) > Date.now(), `expires at ${activated.expiresAt}`);
  const body = (await statusOf(this, name)).body as EntryBody;
  assert.deepEqual([body.status, body.position], ['ACTIVE', null]);
});

When('{word} takes her/his turn again', async function (this: TicketWorld, name: string) {
  // Taking a turn is idempotent: the same answer, not 409 or 410.
  this.last = await queueApi.activate(this.api, this.queueUrl(), tokenOf(this, name));
  assert.deepEqual([this.last.status, (this.last.body as { status: string }).status], [200, 'ACTIVE']);
});

Then('{word} is still ACTIVE', async function (this: TicketWorld, name: string) {
  const body = (await statusOf(this, name)).body as EntryBody;
  assert.equal(body.status, 'ACTIVE');
});

Then('{word} is ACTIVE according to queue server {int}', async function (this: TicketWorld, name: string, instance: number) {
  const body = (await statusOf(this, name, instance)).body as EntryBody;
  assert.equal(body.status, 'ACTIVE');
});

When('{word} tries to take her/his turn', async function (this: TicketWorld, name: string) {
  this.last = await queueApi.activate(this.api, this.queueUrl(), tokenOf(this, name));
});

Then('she/he is told she/he is not ready yet', function (this: TicketWorld) {
  assert.deepEqual([this.last?.status, errorCode(this.last?.body)], [409, 'NOT_READY']);
});

// Expiry.

When('{word} does not take her/his turn in time', async function (this: TicketWorld, name: string) {
  await waitUntilExpired(this, name);
});

When('{word} does nothing for too long', async function (this: TicketWorld, name: string) {
  // Checking the status is not activity: only calls to the booking service keep a turn alive.
  await waitUntilExpired(this, name);
});

Then("{word}'s token has expired", async function (this: TicketWorld, name: string) {
  const res = await statusOf(this, name);
  assert.deepEqual([res.status, errorCode(res.body)], [410, 'TOKEN_EXPIRED']);
});

Then('{word} can no longer take her/his turn', async function (this: TicketWorld, name: string) {
  const res = await queueApi.activate(this.api, this.queueUrl(), tokenOf(this, name));
  assert.deepEqual([res.status, errorCode(res.body)], [410, 'TOKEN_EXPIRED']);
});

Then(
  'without anyone checking, the queue statistics eventually show {int} expired and nobody ready, active or waiting',
  async function (this: TicketWorld, expired: number) {
    // Only the operator's statistics are read: they never expire anything themselves.
    await eventually(
      () => queueStats(this),
      (s) => s.expired === expired && s.ready === 0 && s.active === 0 && s.waiting === 0,
      { what: `${expired} expired and an empty room`, timeoutMs: 15_000 },
    );
  },
);

// Leaving.

When('{word} leaves the queue', async function (this: TicketWorld, name: string) {
  this.last = await queueApi.exit(this.api, this.queueUrl(), tokenOf(this, name));
  assert.equal(this.last.status, 204, `leaving answered ${this.last.status}: ${JSON.stringify(this.last.body)}`);
});

Then("{word}'s place is given up", async function (this: TicketWorld, name: string) {
  const res = await statusOf(this, name);
  assert.deepEqual([res.status, errorCode(res.body)], [410, 'TOKEN_EXPIRED']);
});

When('{word} tries to leave the queue again', async function (this: TicketWorld, name: string) {
  this.last = await queueApi.exit(this.api, this.queueUrl(), tokenOf(this, name));
});

Then('she/he is told her/his token has expired', function (this: TicketWorld) {
  assert.deepEqual([this.last?.status, errorCode(this.last?.body)], [410, 'TOKEN_EXPIRED']);
});

Then('{word} can leave the queue through queue server {int}', async function (this: TicketWorld, name: string, instance: number) {
  const res = await queueApi.exit(this.api, this.queueUrl(instance), tokenOf(this, name));
  assert.equal(res.status, 204);
});
