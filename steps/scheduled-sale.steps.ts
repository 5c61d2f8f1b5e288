import { Given, Then, When } from '@cucumber/cucumber';
import { drawAudit } from '../support/driver/draw-audit.ts';
import type { Fan } from '../support/driver/fan.ts';
import { placesOf, waitingInOrder } from '../support/driver/places.ts';
import { expectAnswer, expectEqual, expectSuccess, expectThat } from '../support/expect.ts';
import { untilInstant } from '../support/polling.ts';
import type { TicketWorld } from '../support/world.ts';

// A sale that starts at a set instant, with a pre-queue before it whose order is drawn.
// Instants are a few seconds ahead; steps wait for them by polling, never by sleeping.

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

Given("the concert's sale starts in {int} seconds", async function (this: TicketWorld, seconds: number) {
  const saleStartsAt = inSeconds(seconds);
  expectSuccess(await this.operator.setPolicy({ saleStartsAt }));
  this.sale.startsAt = Date.parse(saleStartsAt);
});

Given("the concert's pre-queue opens in {int} seconds and its sale in {int} seconds", async function (this: TicketWorld, opens: number, starts: number) {
  const [preQueueOpensAt, saleStartsAt] = [inSeconds(opens), inSeconds(starts)];
  expectSuccess(await this.operator.setPolicy({ preQueueOpensAt, saleStartsAt }));
  this.sale = { opensAt: Date.parse(preQueueOpensAt), startsAt: Date.parse(saleStartsAt) };
});

function startsAt(world: TicketWorld): number {
  const at = world.sale.startsAt;
  expectThat(at !== undefined, 'the scenario scheduled no sale');
  return at;
}

When('the sale starts', async function (this: TicketWorld) {
  // The operator's statistics publish the draw's seed from the start on: the room's own clock.
  await this.operator.waitUntilSaleStarts(Math.max(0, startsAt(this) - Date.now()) + 10_000);
});

When('{fan} enters the queue as soon as it opens', async function (this: TicketWorld, fan: Fan) {
  expectSuccess(await fan.enterOnceOpen());
});

When('{int} more fans enter the queue at the instant the sale starts', async function (this: TicketWorld, count: number) {
  const newcomers = this.joinCrowd(count);
  await untilInstant(startsAt(this), 'the instant the sale starts');
  const refused = (await Promise.all(newcomers.map((fan) => fan.enter()))).filter((answer) => !answer.succeeded);
  expectThat(refused.length === 0, () => `${refused.length} of ${count} fans entering at the sale's start were refused, e.g. ${refused[0].what}: ${refused[0]}`);
});

Then('{fan} is told when the queue opens', function (this: TicketWorld, fan: Fan) {
  const refusal = this.latest;
  expectAnswer(refusal, 409, 'QUEUE_NOT_OPEN');
  const opensAt = this.sale.opensAt;
  expectThat(opensAt !== undefined, 'the scenario scheduled no pre-queue');
  expectEqual(fan.toldOpensAt(refusal!), new Date(opensAt).toISOString(), `when ${fan} was told the queue opens`);
});

Then('{fans} is/are in the pre-queue', function (this: TicketWorld, fans: Fan[]) {
  const startsAtIso = new Date(startsAt(this)).toISOString();
  for (const fan of fans) {
    const { status, position, estimatedWaitSeconds, saleStartsAt } = fan.lastEntry();
    expectEqual({ status, position, estimatedWaitSeconds, saleStartsAt }, { status: 'PRE_QUEUE', position: null, estimatedWaitSeconds: null, saleStartsAt: startsAtIso }, `what ${fan}'s entry told her`);
  }
});

Then('{fan} stays in the pre-queue until the sale starts, and is then let in', async function (this: TicketWorld, fan: Fan) {
  const at = startsAt(this);
  const { answer, left } = await fan.watchUntilNoLonger('PRE_QUEUE', Math.max(0, at - Date.now()) + 10_000);
  expectThat(left, `${fan} was still in the pre-queue 10 s after the sale started`);
  expectSuccess(answer);
  // The room judged her at some instant while the request was in flight: only an answer that had
  // arrived before the start (less a margin for the room's clock and ours) proves it early. A
  // slow request sent just before the start and answered after it is on time.
  expectThat(answer.answeredAt >= at - 250, `${fan} was answered ${Math.round(at - answer.answeredAt)} ms before the sale started, as ${answer.value.status}: let in early`);
  await fan.waitUntilLetIn();
});

Then('the operator sees a commitment to the draw, but not its seed', async function (this: TicketWorld) {
  const room = (await this.operator.stats()).value;
  expectThat(room.drawCommitment !== null, 'the statistics show no commitment to the draw before the sale starts');
  expectEqual(room.drawSeed, null, "the draw's seed in the statistics before the sale starts");
  this.sale.commitment = room.drawCommitment;
});

Then("the {int} fans wait in the order of the published draw, which matches the commitment, not in the order they arrived", async function (this: TicketWorld, count: number) {
  const room = (await this.operator.stats()).value;
  const seed = room.drawSeed;
  expectThat(seed !== null, 'the statistics publish no draw seed after the sale started');
  expectThat(this.sale.commitment !== undefined && drawAudit.seedMatches(seed, this.sale.commitment), `the published seed does not hash to the commitment shown before the start (${this.sale.commitment})`);
  const fans = this.crowd.slice(0, count);
  const drawn = drawAudit.orderOf(seed, fans);
  expectEqual(await placesOf(drawn), waitingInOrder(drawn), 'who waits where, against the published draw');
  expectThat(drawn.some((fan, i) => fan !== fans[i]), 'the drawn order is the order the fans arrived in');
});

Then('{fans} wait behind the {int} fans of the pre-queue, in the order they arrived', async function (this: TicketWorld, late: Fan[], count: number) {
  expectEqual(await placesOf(late), waitingInOrder(late, count + 1), 'where the fans who came after the start wait');
});
