import { Given, Then, When } from '@cucumber/cucumber';
import type { Fan } from '../support/driver/fan.ts';
import { queueServers } from '../support/driver/stage.ts';
import { expectEqual, expectSuccess, expectThat, names } from '../support/expect.ts';
import { eventually, poll } from '../support/polling.ts';
import type { TicketWorld } from '../support/world.ts';

// A concert's waiting room spread over several shards (features/sharded-waiting-room.feature).
// Steps speak of shards as operators do; which shard a fan waits on is the system's business.

// ---- The operator -----------------------------------------------------------------------------

Given('the waiting room is spread over {int} shards', async function (this: TicketWorld, shards: number) {
  const answer = await this.operator.setPolicy({ shards });
  expectSuccess(answer);
  expectEqual(answer.value.shards, shards, 'shards in the effective policy');
});

When('the operator spreads the waiting room over {int} shards instead', async function (this: TicketWorld, shards: number) {
  const answer = await this.operator.setPolicy({ shards });
  expectSuccess(answer);
  expectEqual(answer.value.shards, shards, 'shards in the effective policy');
});

When('the operator tries to spread the waiting room over {int} shards', async function (this: TicketWorld, shards: number) {
  this.roomBefore = (await this.operator.stats()).value;
  await this.operator.setPolicy({ shards });
});

Then(/^the queue statistics show (\d+) waiting over (\d+) shards(, none of them empty)?$/, async function (this: TicketWorld, waiting: string, shards: string, noneEmpty?: string) {
  const stats = (await this.operator.stats()).value;
  expectEqual({ waiting: stats.waiting, shards: stats.shards, counted: stats.shardWaiting.length }, { waiting: Number(waiting), shards: Number(shards), counted: Number(shards) }, 'the statistics');
  expectEqual(stats.shardWaiting.reduce((a, b) => a + b, 0), stats.waiting, `fans waiting on each shard (${stats.shardWaiting.join(', ')}) added up`);
  if (noneEmpty) expectThat(stats.shardWaiting.every((n) => n > 0), `a shard has nobody waiting: ${stats.shardWaiting.join(', ')}`);
});

// ---- Fans ---------------------------------------------------------------------------------------

When('{int} fans enter the queue at the same instant, taking turns across every queue server', async function (this: TicketWorld, count: number) {
  const servers = queueServers.all();
  const answers = await Promise.all(this.joinCrowd(count).map((fan, i) => fan.enter({ through: servers[i % servers.length] })));
  for (const answer of answers) expectSuccess(answer);
});

When('{int} fans enter the queue one after another, taking turns across every queue server', async function (this: TicketWorld, count: number) {
  const servers = queueServers.all();
  for (const [i, fan] of this.joinCrowd(count).entries()) expectSuccess(await fan.enter({ through: servers[i % servers.length] }));
});

/** Where each fan is now, in the order given: "Fan3 WAITING 3". */
async function placesOf(fans: Fan[]): Promise<string[]> {
  const seen: string[] = [];
  for (const fan of fans) {
    const place = await fan.status();
    seen.push(place.succeeded ? `${fan} ${place.value.status} ${place.value.position}` : `${fan} ${place}`);
  }
  return seen;
}

Then('{fans} wait over all {int} shards, at positions 1 to {int} in the order they arrived', async function (this: TicketWorld, fans: Fan[], shards: number, last: number) {
  expectEqual(fans.length, last, 'fans named for the positions');
  const stats = (await this.operator.stats()).value;
  expectEqual({ waiting: stats.waiting, shards: stats.shardWaiting.length }, { waiting: last, shards }, 'the statistics');
  expectThat(stats.shardWaiting.every((n) => n > 0), `the fans wait on some shards only: ${stats.shardWaiting.join(', ')}`);
  expectEqual(await placesOf(fans), fans.map((fan, i) => `${fan} WAITING ${i + 1}`), 'who waits where');
});

Then('the other {int} of {fans} wait at positions 1 to {int} in the order they arrived', async function (this: TicketWorld, count: number, fans: Fan[], last: number) {
  expectEqual(count, last, 'fans named for the positions');
  const others = fans.slice(fans.length - count);
  expectEqual(await placesOf(others), others.map((fan, i) => `${fan} WAITING ${i + 1}`), 'who waits where');
});

/**
 * Lets the fans out as they are let in, checking at every look that never more than `limit` are
 * in at once and that admission follows the order they arrived in. Each look goes from the last
 * fan to the first: once one was seen let in, every fan who arrived before her, looked at after,
 * must be let in too (or gone), since she could not be let in while any of them still waited.
 */
Then('as the fans who were let in leave, {fans} are let in {int} at a time, in the order they arrived', { timeout: 120_000 }, async function (this: TicketWorld, fans: Fan[], limit: number) {
  const left = new Set<Fan>();
  let busiest = 0;
  const { done } = await poll(
    async () => {
      const { ready, active } = (await this.operator.stats()).value;
      busiest = Math.max(busiest, ready + active);
      expectThat(ready + active <= limit, `${ready} fans let in and ${active} shopping at once, more than the ${limit} allowed`);
      let laterLetIn: Fan | undefined;
      for (const fan of [...fans].reverse()) {
        if (left.has(fan)) continue;
        const place = await fan.status();
        expectSuccess(place);
        if (place.value.status === 'WAITING') {
          expectThat(!laterLetIn, () => `${fan} still waits, but ${laterLetIn}, who arrived after her, was let in`);
          continue;
        }
        laterLetIn ??= fan;
        expectSuccess(await fan.leave());
        left.add(fan);
      }
      return left.size;
    },
    (count) => count === fans.length,
    { what: 'every fan to be let in', timeoutMs: 100_000, intervalMs: 100 },
  );
  const waiting = fans.filter((fan) => !left.has(fan));
  expectThat(done, `${waiting.length} fans were never let in: ${names(waiting.slice(0, 5))}`);
  expectEqual(busiest, limit, 'the most fans let in at once');
});

// ---- Faults ----------------------------------------------------------------------------------------

Given("the master of {fan}'s shard stamps arrivals as if its clock ran {int} seconds ahead", async function (this: TicketWorld, fan: Fan, seconds: number) {
  await this.infrastructure.shardClockAhead(fan.userId, seconds);
});

// ---- A promoter that dies halfway ----------------------------------------------------------------

When(
  'admission resumes and the first promoter to act dies after taking fans off one shard, its claim on the batch lasting {int} second(s)',
  async function (this: TicketWorld, seconds: number) {
    const stalled = await this.infrastructure.stallAdmission(seconds * 1000);
    this.fault.stalledBatch = { ...stalled, at: Date.now() };
    this.attach(`a promoter planned ${stalled.planned} fans, took ${stalled.takenOffOneShard.length} off one shard and died`, 'text/plain');
  },
);

Then('within {int} seconds the first {int} of {fans} are let in, though none of them asked', async function (this: TicketWorld, seconds: number, count: number, fans: Fan[]) {
  const stalled = this.fault.stalledBatch;
  expectThat(stalled !== undefined, 'no promoter died in this scenario');
  // Only the operator's statistics are read meanwhile: a fan's own request would finish the batch herself.
  const room = await eventually(() => this.operator.stats(), (answer) => answer.succeeded && answer.value.ready === count, {
    what: `${count} fans to be let in`,
    timeoutMs: Math.max(0, stalled.at + seconds * 1000 - Date.now()),
    intervalMs: 100,
    describe: (answer) => (answer.succeeded ? `${answer.value.ready} let in, ${answer.value.waiting} waiting` : String(answer)),
  });
  expectEqual(room.value.admitted, count, 'fans let in so far');
  this.attach(`let in ${room.exchange.startedAt - stalled.at} ms after the promoter died (its claim on the batch: ${stalled.leaseMs} ms)`, 'text/plain');
  const first = fans.slice(0, count);
  expectEqual(await placesOf(first), first.map((fan) => `${fan} READY null`), 'the first fans');
});

Then('a fan it took off her shard is let in the moment she checks her place', async function (this: TicketWorld) {
  const stalled = this.fault.stalledBatch;
  expectThat(stalled !== undefined, 'no promoter died in this scenario');
  const fan = this.crowd.find((f) => f.userId === stalled.takenOffOneShard[0]);
  expectThat(fan !== undefined, `the promoter took ${stalled.takenOffOneShard[0]}, who is not one of the scenario's fans`);
  const place = await fan.status();
  expectSuccess(place);
  expectEqual(place.value.status, 'READY', `${fan}'s place, asked ${Date.now() - stalled.at} ms after the promoter died, well within its ${stalled.leaseMs} ms claim`);
  expectThat(Date.now() - stalled.at < stalled.leaseMs, 'the claim on the batch ran out before she asked: this proves nothing');
});

// ---- One shard's master dies ----------------------------------------------------------------------

When("the Redis master holding the shard some of {fans} waited on, and no other part of the room, fails", async function (this: TicketWorld, fans: Fan[]) {
  const { key, fans: onIt } = await this.infrastructure.loneShardKeyOf(fans);
  // Each fan waits on a shard alone on its master with odds 2 in 3: all 10 elsewhere, 1 in 59,000.
  expectThat(onIt > 0, `none of the ${fans.length} fans waited on a shard alone on its master`);
  const killed = await this.infrastructure.killRedisMasterOf(undefined, key);
  this.fault.killedMaster = { ...killed, at: Date.now(), key };
  this.attach(`killed Redis master ${killed.node} (slot ${killed.slot}) holding one shard of the room`, 'text/plain');
});

Then('{fans} keep shopping while a replica takes over that shard within {int} seconds', async function (this: TicketWorld, shoppers: Fan[], seconds: number) {
  const killed = this.fault.killedMaster;
  expectThat(killed?.key !== undefined, "no shard's master was killed in this scenario");
  let rounds = 0;
  const owner = await eventually(
    async () => {
      // Every shopper looks at the seats (a box-office call on her turn) while the shard is down.
      for (const fan of shoppers) {
        const seats = await fan.seats();
        expectThat(seats.succeeded, () => `${fan} could not shop ${Date.now() - killed.at} ms after the shard's master died: ${seats}`);
      }
      rounds++;
      return this.infrastructure.redisOwnerOf(undefined, killed.key);
    },
    (o) => o.node !== killed.node && !o.failing,
    { what: 'a replica to take over the shard', timeoutMs: seconds * 1000, describe: (o) => `${o.node} (failing: ${o.failing})` },
  );
  this.fault.takeoverAt = Date.now();
  expectThat(rounds >= 2, `the shoppers shopped ${rounds} time(s) before the takeover: too few to show anything`);
  this.attach(`${owner.node} took over the shard ${this.fault.takeoverAt - killed.at} ms after the kill; the ${shoppers.length} shoppers shopped ${rounds} times meanwhile`, 'text/plain');
});
