import { Then, When } from '@cucumber/cucumber';
import type { Fan } from '../support/driver/fan.ts';
import { bookTogether, bookThroughTrouble, type BookingAnswer } from '../support/chaos/booking-under-restart.ts';
import { failuresFrom, overtakenWithinLoop, startQueueTraffic, summarise } from '../support/chaos/queue-traffic.ts';
import { placesOfAcknowledged, untilEveryServerAcceptsNewcomers } from '../support/chaos/recovery.ts';
import { untilNoBookingIsHalfDone } from '../support/driver/books.ts';
import { untilPlacesAre, waitingInOrder } from '../support/driver/places.ts';
import { queueServers } from '../support/driver/stage.ts';
import { expectEqual, expectThat } from '../support/expect.ts';
import { eventually } from '../support/polling.ts';
import type { TicketWorld } from '../support/world.ts';

// ---- Redis master failure -------------------------------------------------------------------

When('fans keep entering and checking their place in the queue', async function (this: TicketWorld) {
  const traffic = startQueueTraffic({ queueUrls: queueServers.urls(), concertId: this.concertId(), userPrefix: `rush-${this.runId}` });
  this.fault.traffic = traffic;
  await eventually(async () => traffic.acknowledged.length, (n) => n >= 20, { what: '20 fans to be let into the queue before the fault' });
});

When("the Redis master holding the concert's waiting room fails", async function (this: TicketWorld) {
  const killed = await this.infrastructure.killRedisMasterOf();
  this.fault.killedMaster = { ...killed, at: Date.now() };
  this.attach(`killed Redis master ${killed.node} (slot ${killed.slot})`, 'text/plain');
});

function faultState(world: TicketWorld) {
  const { traffic, killedMaster } = world.fault;
  expectThat(traffic !== undefined && killedMaster !== undefined, 'no fault was injected under traffic in this scenario');
  return { traffic, killedMaster };
}

/** `seconds` after the takeover a step saw. */
function afterTakeover(world: TicketWorld, seconds: number): number {
  const at = world.fault.takeoverAt;
  expectThat(at !== undefined, 'no takeover was seen');
  return at + seconds * 1000;
}

Then("a replica takes over the concert's waiting room within {int} seconds", async function (this: TicketWorld, seconds: number) {
  const { killedMaster } = faultState(this);
  const owner = await this.infrastructure.untilNewRedisOwner(killedMaster, seconds * 1000);
  this.fault.takeoverAt = Date.now();
  this.attach(`${owner.node} took over slot ${owner.slot} ${this.fault.takeoverAt - killedMaster.at} ms after the kill`, 'text/plain');
});

// Every queue server answers a newcomer by the deadline without any service having been
// restarted, and from the deadline on the fans' own traffic succeeds throughout.
Then('the waiting room serves fans again within {int} seconds of the takeover', async function (this: TicketWorld, seconds: number) {
  const { traffic } = faultState(this);
  const deadline = afterTakeover(this, seconds);
  await untilEveryServerAcceptsNewcomers((name) => this.fan(name), deadline);
  const failed = await failuresFrom(traffic, deadline);
  expectThat(failed.length === 0, () => `${failed.length} requests failed more than ${seconds} s after the takeover: ${JSON.stringify(summarise(failed).outcomes)}`);
});

Then('while it happened every request was answered within {int} seconds, by success or {string}', async function (this: TicketWorld, seconds: number, code: string) {
  const { traffic, killedMaster } = faultState(this);
  await traffic.stop();
  const summary = { beforeFault: summarise(traffic.answers, 0, killedMaster.at), duringAndAfterFault: summarise(traffic.answers, killedMaster.at), acknowledgedFans: traffic.acknowledged.length };
  this.attach(JSON.stringify(summary, null, 2), { mediaType: 'application/json', fileName: 'traffic-during-failover.json' });
  const slow = traffic.answers.filter((a) => a.durationMs > seconds * 1000);
  expectThat(slow.length === 0, () => `${slow.length} requests took longer than ${seconds} s (hung): ${JSON.stringify(summarise(slow))}`);
  const unclean = traffic.answers.filter((a) => !(a.status >= 200 && a.status < 300) && !(a.status === 503 && a.code === code));
  expectThat(unclean.length === 0, () => `${unclean.length} answers were neither a success nor 503 ${code}: ${JSON.stringify(summarise(unclean).outcomes)}`);
  expectThat(traffic.answers.some((a) => a.startedAt >= killedMaster.at && a.status === 503), 'the fault was never visible to a fan: did the kill hit the concert?');
});

// No place is lost, and first come, first served survives the failover: within one loop (one
// fan after another) a later fan is never ahead of an earlier one.
Then('every fan whose entry was acknowledged still has their place in the queue', async function (this: TicketWorld) {
  const { traffic } = faultState(this);
  const { lost, positions } = await placesOfAcknowledged(traffic, this.fan('Checker'));
  this.attach(`${traffic.acknowledged.length} acknowledged fans checked, ${lost.length} lost`, 'text/plain');
  expectThat(lost.length === 0, () => `${lost.length} of ${traffic.acknowledged.length} fans told they had a place lost it in the failover: ${lost.slice(0, 5).join(', ')}`);
  expectEqual(overtakenWithinLoop(traffic.acknowledged, positions), [], 'acknowledged fans ahead of one from their loop who entered first');
});

// ---- A queue server crashes ------------------------------------------------------------------

When('queue server {int} crashes', async function (this: TicketWorld, server: number) {
  await this.infrastructure.killQueueServer(server);
  const state = await this.infrastructure.state();
  expectEqual(state.queueInstances[server - 1]?.running, false, `queue server ${server} running after the crash`);
  this.fault.crashedServer = server;
});

// ---- PostgreSQL restarts during bookings -------------------------------------------------------

// The first hold pulls the plug: the others are reserving or paying when the database goes.
When('the {int} fans each book a seat while the database restarts', { timeout: 120_000 }, async function (this: TicketWorld, count: number) {
  expectEqual(this.crowd.length, count, 'fans in the crowd');
  this.fault.coreStartedAt = await this.infrastructure.coreStartedAt();
  const { firstHold: restart } = await bookTogether(this.crowd, (this.fault.bookingAnswers = []), { onFirstHold: () => this.infrastructure.restartDatabase() });
  expectThat(restart !== undefined, 'no buyer ever held a seat, so the database was never restarted');
  this.attach(`PostgreSQL accepted queries again ${await restart} ms after the restart began`, 'text/plain');
});

Then('every answer they got was a success, a clean refusal or {string}', function (this: TicketWorld, code: string) {
  const answers = expectCleanAnswers(this, code);
  // Loss slows answers down (whether in time is a step of its own); a restart must refuse some.
  if (!this.fault.lossyLink) expectThat(answers.some((a) => a.status === 503), 'no request met the restart: the scenario proved nothing');
});

/** The buyers' answers during a fault, tallied for the report; fails on any that is not clean. */
function expectCleanAnswers(world: TicketWorld, code: string): BookingAnswer[] {
  const answers = world.fault.bookingAnswers ?? [];
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = `${a.call} ${a.status}${a.code ? ` ${a.code}` : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  world.attach(JSON.stringify(counts, null, 2), { mediaType: 'application/json', fileName: 'answers-during-fault.json' });
  // A clean refusal is a 4xx with an error code (e.g. the payment is still being settled) or a
  // payment given up, 504 PAYMENT_TIMEOUT (nothing kept, the seat released: what a retry of a
  // payment whose request died with the database is told once the core abandons it); a 500,
  // another 5xx or no answer at all is not clean.
  const refused = (a: BookingAnswer) => (a.status >= 400 && a.status < 500 && Boolean(a.code)) || (a.call === 'pay' && a.status === 504 && a.code === 'PAYMENT_TIMEOUT');
  const clean = (a: BookingAnswer) => (a.status >= 200 && a.status < 300) || refused(a) || (a.status === 503 && a.code === code);
  const unclean = answers.filter((a) => !clean(a));
  expectThat(unclean.length === 0, () => `${unclean.length} answers were neither a success, a clean refusal nor 503 ${code}: ${unclean.slice(0, 5).map((a) => `${a.call} ${a.status} ${a.code ?? ''}`).join(', ')}`);
  return answers;
}

Then('a fan who starts after the restart/fault books a seat, and no service was restarted', async function (this: TicketWorld) {
  const latecomer = this.fan('Latecomer');
  await latecomer.startShoppingFromTheQueue();
  const outcome = await bookThroughTrouble(latecomer, this.crowd.length, { answers: [], deadline: Date.now() + 20_000 });
  expectEqual(outcome, 'COMPLETED', 'how the booking after the fault ended');
  expectEqual(await this.infrastructure.restartedOrDownSince(this.fault.coreStartedAt), [], 'services restarted or down since the fault');
});

Then('no booking is half done', { timeout: 120_000 }, async function (this: TicketWorld) {
  // The reconciler voids a dead payment's charge only once it gives the payment up: this waits up to 100 s.
  await untilNoBookingIsHalfDone(this);
});


// ---- Network faults ----------------------------------------------------------------------------

When('the link between the core service and PostgreSQL loses {int} % of its packets', async function (this: TicketWorld, percent: number) {
  this.fault.coreStartedAt = await this.infrastructure.coreStartedAt();
  const fault = await this.infrastructure.faultNetwork('core', 'postgres', { lossPercent: percent });
  this.fault.lossyLink = true;
  this.attach(`${fault.service} → ${fault.peer}: ${fault.fault}`, 'text/plain');
});

When('the {int} fans each book a seat over the lossy link', { timeout: 120_000 }, async function (this: TicketWorld, count: number) {
  expectEqual(this.crowd.length, count, 'fans in the crowd');
  const { outcomes } = await bookTogether(this.crowd, (this.fault.bookingAnswers = []));
  this.attach(`how the bookings ended: ${outcomes.join(', ')}`, 'text/plain');
});

Then('every answer they got came within {int} seconds', function (this: TicketWorld, seconds: number) {
  const answers = this.fault.bookingAnswers ?? [];
  const slowest = [...answers].sort((a, b) => b.durationMs - a.durationMs);
  this.attach(`slowest answers: ${slowest.slice(0, 5).map((a) => `${a.call} ${a.status} in ${a.durationMs} ms`).join(', ')}`, 'text/plain');
  const late = answers.filter((a) => a.durationMs > seconds * 1000);
  expectThat(late.length === 0, () => `${late.length} answers took longer than ${seconds} s: ${late.slice(0, 5).map((a) => `${a.call} ${a.durationMs} ms`).join(', ')}`);
  // A lost segment costs TCP at least one 200 ms retransmission timeout: a fault nobody felt proved nothing.
  expectThat((slowest[0]?.durationMs ?? 0) >= 200, () => `no answer took 200 ms or more (slowest ${slowest[0]?.durationMs} ms): was the link lossy at all?`);
});

When('the network is whole again', async function (this: TicketWorld) {
  await this.infrastructure.restoreNetwork();
});

When('queue server {int} is cut off from Redis', async function (this: TicketWorld, server: number) {
  await this.infrastructure.faultNetwork(`queue-${server}`, 'redis', { cut: true });
  // For the steps about the other servers: this one is out of the game, if not crashed.
  this.fault.crashedServer = server;
});

Then('queue server {int} answers a newcomer {int} {string} within {int} seconds', async function (this: TicketWorld, server: number, status: number, code: string, seconds: number) {
  const started = Date.now();
  const answer = await this.fan(`Newcomer${server}`).enter({ through: server });
  const tookMs = Date.now() - started;
  expectEqual(`${answer.status} ${answer.code ?? ''}`.trim(), `${status} ${code}`, `what queue server ${server} answered a newcomer`);
  expectThat(tookMs <= seconds * 1000, `queue server ${server} took ${tookMs} ms to answer, more than ${seconds} s`);
});

Then('queue server {int} tells {fans} their places, 1 to {int}, within {int} seconds', async function (this: TicketWorld, server: number, fans: Fan[], last: number, seconds: number) {
  expectEqual(fans.length, last, 'fans named for the positions');
  await untilPlacesAre(fans, waitingInOrder(fans), { what: `queue server ${server} to tell the fans their places again`, through: server, timeoutMs: seconds * 1000, intervalMs: 250 });
  const state = await this.infrastructure.state();
  expectEqual(state.queueInstances[server - 1]?.running, true, `queue server ${server} running`);
});

When('the link from the payment provider to the core service is throttled to {int} bits a second', async function (this: TicketWorld, bitsPerSecond: number) {
  const fault = await this.infrastructure.faultNetwork('payment-gateway', 'core', { bitsPerSecond });
  this.attach(`${fault.service} → ${fault.peer}: ${fault.fault}`, 'text/plain');
});
