import { DataTable, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { adminApi, type AdminCredentials } from '../support/admin-api.ts';
import type { Exchange } from '../support/http/api-client.ts';
import { queueStats, setQueuePolicy, type QueueStats } from '../support/journeys.ts';
import { eventually } from '../support/polling.ts';
import type { TicketWorld } from '../support/world.ts';

const errorCode = (res?: Exchange) => (res?.body as { error?: { code: string } } | undefined)?.error?.code;

/** The room as it was before a refused request, to show the request changed nothing. */
const before = new WeakMap<TicketWorld, QueueStats>();

When('the operator lets at most {int} fans in at a time, up to {int} a second', async function (this: TicketWorld, activeLimit: number, admitPerSecond: number) {
  this.last = await adminApi.setQueuePolicy(this.api, this.queueUrl(), this.concertId(), { activeLimit, admitPerSecond });
});

When('the operator gives fans {int} seconds to take their turn', async function (this: TicketWorld, readyTtlSeconds: number) {
  this.last = await adminApi.setQueuePolicy(this.api, this.queueUrl(), this.concertId(), { readyTtlSeconds });
});

Then('the effective policy lets {int} fans in at a time, up to {int} a second', function (this: TicketWorld, activeLimit: number, admitPerSecond: number) {
  assert.equal(this.last?.status, 200, `the policy change answered ${this.last?.status}: ${JSON.stringify(this.last?.body)}`);
  const policy = this.last.body as Record<string, number>;
  assert.deepEqual({ activeLimit: policy.activeLimit, admitPerSecond: policy.admitPerSecond }, { activeLimit, admitPerSecond });
  assert.deepEqual(Object.keys(policy).sort(), ['activeIdleSeconds', 'activeLimit', 'admitPerSecond', 'holdSeconds', 'readyTtlSeconds']);
});

Then(
  'the effective policy still gives {int} seconds to take a turn and {int} seconds of idle time',
  function (this: TicketWorld, readyTtlSeconds: number, activeIdleSeconds: number) {
    const policy = this.last?.body as Record<string, number>;
    assert.deepEqual({ readyTtlSeconds: policy.readyTtlSeconds, activeIdleSeconds: policy.activeIdleSeconds }, { readyTtlSeconds, activeIdleSeconds });
  },
);

Then('the effective policy gives {int} seconds to take a turn', function (this: TicketWorld, readyTtlSeconds: number) {
  assert.equal((this.last?.body as Record<string, number>).readyTtlSeconds, readyTtlSeconds);
});

When("{word}'s unused turn lapses while admission is paused", async function (this: TicketWorld, name: string) {
  // Still held now, after the others entered: whichever promoter run expires it comes later
  // than their entries, and would have let them in had the pause not held.
  const now = await queueStats(this);
  assert.deepEqual({ ready: now.ready, expired: now.expired, paused: now.paused }, { ready: 1, expired: 0, paused: true }, `${name}'s turn lapsed too early`);
  await eventually(() => queueStats(this), (s) => s.expired === 1, { what: `${name}'s turn to lapse`, timeoutMs: 15_000 });
});

Then('the queue statistics show:', async function (this: TicketWorld, table: DataTable) {
  const [expected] = table.hashes();
  const stats = (await queueStats(this)) as unknown as Record<string, number>;
  const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, String(stats[k])]));
  assert.deepEqual(actual, expected);
});

const adminCalls: Record<string, (w: TicketWorld, concertId: string, as?: AdminCredentials) => Promise<Exchange>> = {
  'change the policy': (w, c, as) => adminApi.setQueuePolicy(w.api, w.queueUrl(), c, { activeLimit: 1 }, as),
  'pause admission': (w, c, as) => adminApi.pauseAdmission(w.api, w.queueUrl(), c, as),
  'resume admission': (w, c, as) => adminApi.resumeAdmission(w.api, w.queueUrl(), c, as),
  'read the statistics': (w, c, as) => adminApi.queueStats(w.api, w.queueUrl(), c, as),
};

When('someone with {credentials} tries to {adminAction}', async function (this: TicketWorld, as: AdminCredentials, action: string) {
  before.set(this, await queueStats(this));
  this.last = await adminCalls[action](this, this.concertId(), as);
});

Then('they are refused as not an operator', function (this: TicketWorld) {
  assert.deepEqual([this.last?.status, errorCode(this.last)], [401, 'ADMIN_UNAUTHORIZED']);
});

Then('the waiting room is still {word} with its policy unchanged', async function (this: TicketWorld, state: 'paused' | 'resumed') {
  const now = await queueStats(this);
  assert.equal(now.paused, state === 'paused');
  assert.deepEqual(now.policy, before.get(this)?.policy);
});

When('the operator tries to {adminAction} for a concert that is not on sale', async function (this: TicketWorld, action: string) {
  this.last = await adminCalls[action](this, this.concertId('a concert never put on sale'));
});

Then('the operator is told the concert was not found', function (this: TicketWorld) {
  assert.deepEqual([this.last?.status, errorCode(this.last)], [404, 'CONCERT_NOT_FOUND']);
});

/** Policy changes the contract rules out, each with a reason a reader can see. */
const unusablePolicies: Record<string, unknown> = {
  'an active limit of 0': { activeLimit: 0 },
  'a negative admission rate': { admitPerSecond: -5 },
  'an active limit of 2.5': { activeLimit: 2.5 },
  'an active limit written as text': { activeLimit: '10' },
  'a turn window longer than a day': { readyTtlSeconds: 86_401 },
  'a valid active limit but an invalid idle time': { activeLimit: 3, activeIdleSeconds: 0 },
  'no settings at all': { unrelated: 1 },
  'a list instead of settings': [{ activeLimit: 3 }],
};

When('the operator tries to change the policy with {}', async function (this: TicketWorld, change: string) {
  before.set(this, await queueStats(this));
  if (change === 'text that is not JSON') {
    this.last = await adminApi.setQueuePolicyRaw(this.api, this.queueUrl(), this.concertId(), '{"activeLimit": 3,');
    return;
  }
  assert.ok(change in unusablePolicies, `no example of a policy change with ${change}`);
  this.last = await adminApi.setQueuePolicy(this.api, this.queueUrl(), this.concertId(), unusablePolicies[change]);
});

Then('the waiting room policy is unchanged', async function (this: TicketWorld) {
  assert.deepEqual((await queueStats(this)).policy, before.get(this)?.policy);
});

When('the operator pauses admission through queue server {int}', async function (this: TicketWorld, instance: number) {
  const res = await adminApi.pauseAdmission(this.api, this.queueUrl(instance), this.concertId());
  assert.equal(res.status, 204);
});

When('the operator lets at most {int} fans in at a time through queue server {int}', async function (this: TicketWorld, activeLimit: number, instance: number) {
  await setQueuePolicy(this, { activeLimit }, instance);
});

Then('every queue server reports the waiting room paused, letting {int} fans in at a time', async function (this: TicketWorld, activeLimit: number) {
  for (const instance of [1, 2]) {
    const stats = await queueStats(this, instance);
    assert.deepEqual({ instance, paused: stats.paused, activeLimit: stats.policy?.activeLimit }, { instance, paused: true, activeLimit });
  }
});
