import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { adminApi } from '../support/admin-api.ts';
import { chaosOf } from '../support/chaos/chaos-state.ts';
import { startQueueTraffic, summarise } from '../support/chaos/queue-traffic.ts';
import { bookOneSeatEach, type BookingAnswer, type BuyerOutcome } from '../support/chaos/booking-under-restart.ts';
import { halfDoneBookings, processStartTime } from '../support/chaos/booking-ledger.ts';
import { becomeActive } from '../support/journeys.ts';
import { infraApi } from '../support/infra-api.ts';
import { eventually } from '../support/polling.ts';
import { queueApi } from '../support/queue-api.ts';
import { target } from '../support/target.ts';
import type { TicketWorld } from '../support/world.ts';

type StatusBody = { status: string; position: number | null };

// ---- Redis master failure -------------------------------------------------------------------

Given('fans keep entering and checking their place in the queue', async function (this: TicketWorld) {
  const chaos = chaosOf(this);
  chaos.traffic = startQueueTraffic({ queueUrls: target.queueUrls, concertId: this.concertId(), userPrefix: `rush-${this.runId}` });
  const traffic = chaos.traffic;
  await eventually(async () => traffic.acknowledged.length, (n) => n >= 20, { what: '20 fans to be let into the queue before the fault' });
});

When("the Redis master holding the concert's waiting room fails", async function (this: TicketWorld) {
  const killed = await infraApi.killRedisMasterOfConcert(this.concertId());
  chaosOf(this).killedMaster = { ...killed, at: Date.now() };
  this.attach(`killed Redis master ${killed.node} (slot ${killed.slot})`, 'text/plain');
});

Then("a replica takes over the concert's waiting room within {int} seconds", async function (this: TicketWorld, seconds: number) {
  const chaos = chaosOf(this);
  const killed = chaos.killedMaster!;
  const owner = await eventually(
    () => infraApi.redisOwnerOfConcert(this.concertId()),
    (o) => o.node !== killed.node && !o.failing,
    { what: 'a replica to be promoted', timeoutMs: seconds * 1000, intervalMs: 100 },
  );
  chaos.takeoverAt = Date.now();
  this.attach(`${owner.node} took over slot ${owner.slot} ${chaos.takeoverAt - killed.at} ms after the kill`, 'text/plain');
});

Then('the waiting room serves fans again within {int} seconds of the takeover', async function (this: TicketWorld, seconds: number) {
  const chaos = chaosOf(this);
  const traffic = chaos.traffic!;
  const deadline = chaos.takeoverAt! + seconds * 1000;
  // Every instance answers a newcomer without any service having been restarted.
  for (const [i, url] of target.queueUrls.entries()) {
    let attempt = 0;
    await eventually(
      // A new fan each attempt: one fan asking again and again would be rate-limited.
      () => queueApi.enter(this.api, url, { concertId: this.concertId(), userId: `probe-${i}-${attempt++}-${this.runId}` }),
      (res) => res.status === 201 || res.status === 200,
      { what: `queue instance ${i + 1} to accept a fan again`, timeoutMs: Math.max(0, deadline - Date.now()) },
    );
  }
  // From the deadline on, the fans' own traffic succeeds throughout.
  await eventually(
    async () => summarise(traffic.answers, deadline).requests,
    (n) => n >= 40,
    { what: 'traffic after the recovery deadline', timeoutMs: 20_000 },
  );
  const after = traffic.answers.filter((a) => a.startedAt >= deadline);
  const failed = after.filter((a) => a.status < 200 || a.status >= 300);
  assert.deepEqual(failed, [], `requests failed more than ${seconds} s after the takeover: ${JSON.stringify(summarise(failed))}`);
});

Then(
  'while it happened every request was answered within {int} seconds, by success or {string}',
  async function (this: TicketWorld, seconds: number, code: string) {
    const chaos = chaosOf(this);
    const traffic = chaos.traffic!;
    await traffic.stop();
    const killedAt = chaos.killedMaster!.at;
    this.attach(
      JSON.stringify(
        { beforeFault: summarise(traffic.answers, 0, killedAt), duringAndAfterFault: summarise(traffic.answers, killedAt), acknowledgedFans: traffic.acknowledged.length },
        null,
        2,
      ),
      { mediaType: 'application/json', fileName: 'traffic-during-failover.json' },
    );
    const slow = traffic.answers.filter((a) => a.durationMs > seconds * 1000);
    assert.deepEqual(slow, [], `requests that took longer than ${seconds} s (hung): ${JSON.stringify(summarise(slow))}`);
    const unclean = traffic.answers.filter((a) => !(a.status >= 200 && a.status < 300) && !(a.status === 503 && a.code === code));
    assert.deepEqual(unclean, [], `answers other than success or 503 ${code}: ${JSON.stringify(summarise(unclean))}`);
    assert.ok(traffic.answers.some((a) => a.startedAt >= killedAt && a.status === 503), 'the fault was never visible: did the kill hit the concert?');
  },
);

Then('every fan whose entry was acknowledged still has their place in the queue', async function (this: TicketWorld) {
  const traffic = chaosOf(this).traffic!;
  await traffic.stop();
  const lost: string[] = [];
  const positions = new Map<string, number>();
  const fans = traffic.acknowledged;
  for (const [i, fan] of fans.entries()) {
    const res = await queueApi.status(this.api, this.queueUrl((i % target.queueUrls.length) + 1), fan.token);
    if (res.status !== 200) lost.push(`${fan.userId} (${res.status})`);
    else positions.set(fan.userId, (res.body as StatusBody).position!);
  }
  this.attach(`${fans.length} acknowledged fans checked, ${lost.length} lost`, 'text/plain');
  assert.deepEqual(lost, [], `acknowledged fans lost after the failover: ${lost.length} of ${fans.length}`);
  // First come, first served survives the failover: within one loop (one fan after another) a
  // later fan is never ahead of an earlier one.
  for (let i = 1; i < fans.length; i++) {
    const [prev, cur] = [fans[i - 1], fans[i]];
    if (prev.loop === cur.loop) {
      const [a, b] = [positions.get(prev.userId)!, positions.get(cur.userId)!];
      assert.ok(a < b, `${cur.userId} (position ${b}) is ahead of ${prev.userId} (position ${a}), who entered first`);
    }
  }
});

// ---- A queue instance crashes ----------------------------------------------------------------

Given('{int} fans have entered the queue through queue instance {int}', async function (this: TicketWorld, count: number, instance: number) {
  const chaos = chaosOf(this);
  for (let i = 1; i <= count; i++) {
    const userId = this.fan(`Fan${i}`).userId;
    const res = await queueApi.enter(this.api, this.queueUrl(instance), { concertId: this.concertId(), userId });
    assert.equal(res.status, 201, `enter answered ${res.status}: ${JSON.stringify(res.body)}`);
    chaos.fans.push({ userId, token: (res.body as { token: string }).token });
  }
});

When('queue instance {int} crashes', async function (this: TicketWorld, instance: number) {
  await infraApi.killQueueInstance(instance);
  const state = await infraApi.state();
  assert.equal(state.queueInstances[instance - 1].running, false);
});

Then('each of those fans sees their place through queue instance {int}', async function (this: TicketWorld, instance: number) {
  for (const [i, fan] of chaosOf(this).fans.entries()) {
    const res = await queueApi.status(this.api, this.queueUrl(instance), fan.token);
    assert.equal(res.status, 200, `${fan.userId}: status answered ${res.status}: ${JSON.stringify(res.body)}`);
    assert.deepEqual(
      { status: (res.body as StatusBody).status, position: (res.body as StatusBody).position },
      { status: 'WAITING', position: i + 1 },
    );
  }
});

Then('a new fan can enter through queue instance {int}', async function (this: TicketWorld, instance: number) {
  const res = await queueApi.enter(this.api, this.queueUrl(instance), { concertId: this.concertId(), userId: this.fan('Newcomer').userId });
  assert.equal(res.status, 201, `enter answered ${res.status}: ${JSON.stringify(res.body)}`);
});

When('admission to the concert resumes through queue instance {int}', async function (this: TicketWorld, instance: number) {
  const res = await adminApi.resumeAdmission(this.api, this.queueUrl(instance), this.concertId());
  assert.equal(res.status, 204, `resuming answered ${res.status}: ${JSON.stringify(res.body)}`);
});

Then('every one of those fans is let in, as seen through queue instance {int}', async function (this: TicketWorld, instance: number) {
  for (const fan of chaosOf(this).fans) {
    await eventually(
      () => queueApi.status(this.api, this.queueUrl(instance), fan.token),
      (res) => res.status === 200 && (res.body as StatusBody).status === 'READY',
      { what: `${fan.userId} to be admitted by the surviving instance`, timeoutMs: 20_000, intervalMs: 250 },
    );
  }
});

// ---- PostgreSQL restarts during bookings -------------------------------------------------------

const buyersOf = new WeakMap<TicketWorld, { names: string[]; answers: BookingAnswer[]; outcomes: BuyerOutcome[]; coreStartedAt: number }>();

Given('{int} buyers are let in and ready to shop', async function (this: TicketWorld, count: number) {
  const names = Array.from({ length: count }, (_, i) => `Buyer${i + 1}`);
  await Promise.all(names.map((name) => becomeActive(this, name)));
  buyersOf.set(this, { names, answers: [], outcomes: [], coreStartedAt: await processStartTime(target.coreUrl) });
});

Given('payments take a second and a half at the payment provider', async function (this: TicketWorld) {
  // Scoped to this concert's payments (the stub's referencePrefix), so nothing else slows down.
  const res = await this.api.send('PUT', `${target.gatewayUrl}/__control/behavior`, {
    body: { mode: 'approve', delayMs: 1500, referencePrefix: `${this.concertId()}/` },
  });
  assert.equal(res.status, 200, `steering the gateway answered ${res.status}: ${JSON.stringify(res.body)}`);
});

When('the buyers book a seat each while the database restarts', { timeout: 120_000 }, async function (this: TicketWorld) {
  const buyers = buyersOf.get(this)!;
  let restart: Promise<unknown> | undefined;
  buyers.outcomes = await bookOneSeatEach({
    concertId: this.concertId(),
    buyers: buyers.names.map((name, i) => ({ name, token: this.fan(name).token!, seatIndex: i })),
    answers: buyers.answers,
    // The first hold pulls the plug: the others are reserving or paying when the database goes.
    onHeld: () => {
      restart ??= infraApi.restartPostgres();
    },
    timeoutMs: 90_000,
  });
  assert.ok(restart, 'no buyer ever held a seat, so the database was never restarted');
  const { acceptingAfterMs } = (await restart) as { acceptingAfterMs: number };
  this.attach(`PostgreSQL accepted queries again ${acceptingAfterMs} ms after the restart began`, 'text/plain');
});

Then('every answer the buyers got was a success, a clean refusal or {string}', function (this: TicketWorld, code: string) {
  const { answers } = buyersOf.get(this)!;
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = `${a.op} ${a.status}${a.code ? ` ${a.code}` : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  this.attach(JSON.stringify(counts, null, 2), { mediaType: 'application/json', fileName: 'answers-during-restart.json' });
  // A clean refusal is a 4xx with an error code (e.g. the payment is still being settled); a
  // 500, another 5xx or no answer at all is not clean.
  const clean = (a: BookingAnswer) =>
    (a.status >= 200 && a.status < 300) || (a.status >= 400 && a.status < 500 && Boolean(a.code)) || (a.status === 503 && a.code === code);
  assert.deepEqual(answers.filter((a) => !clean(a)), [], 'answers that were neither a success, a clean refusal nor a 503');
  assert.ok(answers.some((a) => a.status === 503), 'no request met the restart: the scenario proved nothing');
});

Then('a buyer who starts after the restart books a seat, and no service was restarted', async function (this: TicketWorld) {
  const buyers = buyersOf.get(this)!;
  const token = await becomeActive(this, 'Latecomer');
  const answers: BookingAnswer[] = [];
  const [outcome] = await bookOneSeatEach({
    concertId: this.concertId(),
    buyers: [{ name: 'Latecomer', token, seatIndex: buyers.names.length }],
    answers,
    timeoutMs: 20_000,
  });
  assert.equal(outcome.paymentStatus, 'COMPLETED', `the booking after the restart ended with ${JSON.stringify(answers)}`);
  assert.equal(await processStartTime(target.coreUrl), buyers.coreStartedAt, 'the core service was restarted');
  assert.ok((await infraApi.state()).queueInstances.every((q) => q.running));
});

Then('no booking is half done', { timeout: 120_000 }, async function (this: TicketWorld) {
  // A charge the gateway made for a payment whose transaction died is voided by the core service's
  // reconciler once it gives the payment up (30 s or more), so the books may take a while to agree.
  const problems = await eventually(() => halfDoneBookings(this.concertId()), (p) => p.length === 0, {
    what: 'seats, payments and charges to agree',
    timeoutMs: 100_000,
    intervalMs: 1000,
  }).catch((error: Error) => assert.fail(error.message));
  assert.deepEqual(problems, []);
});
