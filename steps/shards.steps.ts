import { Given, Then, When } from '@cucumber/cucumber';
import { shopUntil } from '../support/chaos/shopping-through.ts';
import type { Fan } from '../support/driver/fan.ts';
import { leaveOnceLetIn, placesOf, waitingInOrder } from '../support/driver/places.ts';
import { queueServers } from '../support/driver/stage.ts';
import { expectEqual, expectSuccess, expectThat, names } from '../support/expect.ts';
import type { TicketWorld } from '../support/world.ts';

// A concert's waiting room spread over several shards (features/sharded-waiting-room.feature).
// Steps speak of shards as operators do; which shard a fan waits on is the system's business.

// ---- The operator -----------------------------------------------------------------------------

Given('the waiting room is spread over {int} shards', async function (this: TicketWorld, shards: number) {
  expectEqual((await this.operator.setPolicy({ shards })).value.shards, shards, 'shards in the effective policy');
});

When('the operator spreads the waiting room over {int} shards instead', async function (this: TicketWorld, shards: number) {
  expectEqual((await this.operator.setPolicy({ shards })).value.shards, shards, 'shards in the effective policy');
});

When('the operator tries to spread the waiting room over {int} shards', async function (this: TicketWorld, shards: number) {
  this.roomBefore = (await this.operator.stats()).value;
  await this.operator.setPolicy({ shards });
});

Then('the queue statistics show {int} waiting over {int} shards', async function (this: TicketWorld, waiting: number, shards: number) {
  const { emptyShards, ...spread } = await this.operator.shardSpread();
  expectEqual(spread, { waiting, shards, counted: shards, addUp: true }, `the statistics (${emptyShards} shard(s) with nobody waiting)`);
});

Then('the queue statistics show {int} waiting over {int} shards, none of them empty', async function (this: TicketWorld, waiting: number, shards: number) {
  expectEqual(await this.operator.shardSpread(), { waiting, shards, counted: shards, emptyShards: 0, addUp: true }, 'the statistics');
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

Then('{fans} wait over all {int} shards, at positions 1 to {int} in the order they arrived', async function (this: TicketWorld, fans: Fan[], shards: number, last: number) {
  expectEqual(fans.length, last, 'fans named for the positions');
  expectEqual(await this.operator.shardSpread(), { waiting: last, shards, counted: shards, emptyShards: 0, addUp: true }, 'the statistics');
  expectEqual(await placesOf(fans), waitingInOrder(fans), 'who waits where');
});

Then('the other {int} of {fans} wait at positions 1 to {int} in the order they arrived', async function (this: TicketWorld, count: number, fans: Fan[], last: number) {
  expectEqual(count, last, 'fans named for the positions');
  const others = fans.slice(fans.length - count);
  expectEqual(await placesOf(others), waitingInOrder(others), 'who waits where');
});

Then('as the fans who were let in leave, {fans} are let in {int} at a time, in the order they arrived', { timeout: 120_000 }, async function (this: TicketWorld, fans: Fan[], limit: number) {
  const seen = await leaveOnceLetIn(fans, { inAtOnce: () => this.operator.letInAtOnce(), timeoutMs: 100_000 });
  const outcome = { mostAtOnce: seen.busiest, overtaken: seen.overtaken ?? 'nobody', neverLetIn: names(seen.neverLetIn) };
  expectEqual(outcome, { mostAtOnce: limit, overtaken: 'nobody', neverLetIn: names([]) }, 'how the fans were let in');
});

// ---- Faults ----------------------------------------------------------------------------------------

Given("the master of {fan}'s shard stamps arrivals as if its clock ran {int} seconds ahead", async function (this: TicketWorld, fan: Fan, seconds: number) {
  await this.infrastructure.shardClockAhead(fan.userId, seconds);
});

When(
  'admission resumes and the first promoter to act dies after taking fans off one shard, its claim on the batch lasting {int} second(s)',
  async function (this: TicketWorld, seconds: number) {
    const stalled = await this.infrastructure.stallAdmission(seconds * 1000);
    this.fault.stalledBatch = { ...stalled, at: Date.now() };
    this.attach(`a promoter planned ${stalled.planned} fans, took ${stalled.takenOffOneShard.length} off one shard and died`, 'text/plain');
  },
);

/** The batch a promoter left halfway in this scenario. */
function stalledBatch(world: TicketWorld) {
  const stalled = world.fault.stalledBatch;
  expectThat(stalled !== undefined, 'no promoter died in this scenario');
  return stalled;
}

// Only the operator's statistics are read meanwhile: a fan's own request would finish the batch herself.
Then('within {int} seconds the first {int} of {fans} are let in, though none of them asked', async function (this: TicketWorld, seconds: number, count: number, fans: Fan[]) {
  const stalled = stalledBatch(this);
  await this.operator.waitUntilStatsShow({ ready: count, admitted: count }, stalled.at + seconds * 1000 - Date.now());
  this.attach(`let in within ${Date.now() - stalled.at} ms of the promoter's death (its claim on the batch: ${stalled.leaseMs} ms)`, 'text/plain');
  expectEqual(await placesOf(fans.slice(0, count)), fans.slice(0, count).map((fan) => `${fan} READY null`), 'the first fans');
});

/** The stalled batch, and the first fan its promoter took off her shard before it died. */
function firstTakenFan(world: TicketWorld) {
  const stalled = stalledBatch(world);
  const fan = world.crowd.find((f) => f.userId === stalled.takenOffOneShard[0]);
  expectThat(fan !== undefined, `the promoter took ${stalled.takenOffOneShard[0]}, who is not one of the scenario's fans`);
  return { stalled, fan };
}

Then('a fan it took off her shard is let in the moment she checks her place', async function (this: TicketWorld) {
  const { stalled, fan } = firstTakenFan(this);
  expectEqual((await placesOf([fan]))[0], `${fan} READY null`, `${fan}'s place, asked ${Date.now() - stalled.at} ms after the promoter died`);
  expectThat(Date.now() - stalled.at < stalled.leaseMs, 'the claim on the batch ran out before she asked: this proves nothing');
});

// Entering again takes the other road to the stalled batch (the enter script finds her taken,
// not her place): she is let in there too, with the token she had.
Then('a fan it took off her shard, entering again, is let in at once with the token she had', async function (this: TicketWorld) {
  const { stalled, fan } = firstTakenFan(this);
  const answer = await fan.enter();
  const seen = { answer: String(answer), status: answer.succeeded ? answer.value.status : undefined, sameToken: fan.token() === fan.previousToken() };
  expectEqual(seen, { answer: '200', status: 'READY', sameToken: true }, `${fan} entering again, ${Date.now() - stalled.at} ms after the promoter died`);
  expectThat(Date.now() - stalled.at < stalled.leaseMs, 'the claim on the batch ran out before she entered again: this proves nothing');
});

// Each fan waits on a shard alone on its master with odds 2 in 3 (3 shards on 3 masters): all 10 elsewhere, 1 in 59,000.
When("the Redis master holding the shard some of {fans} waited on, and no other part of the room, fails", async function (this: TicketWorld, fans: Fan[]) {
  const { key, fans: onIt } = await this.infrastructure.loneShardKeyOf(fans);
  expectThat(onIt > 0, `none of the ${fans.length} fans waited on a shard alone on its master`);
  const killed = await this.infrastructure.killRedisMasterOf(undefined, key);
  this.fault.killedMaster = { ...killed, at: Date.now(), key };
  this.attach(`killed Redis master ${killed.node} (slot ${killed.slot}) holding one shard of the room; ${onIt} of the ${fans.length} fans waited there`, 'text/plain');
});

Then('{fans} keep shopping while a replica takes over that shard within {int} seconds', async function (this: TicketWorld, shoppers: Fan[], seconds: number) {
  const killed = this.fault.killedMaster;
  expectThat(killed?.key !== undefined, "no shard's master was killed in this scenario");
  const { refused, rounds } = await shopUntil(shoppers, () => this.infrastructure.redisOwnerOf(undefined, killed.key), (o) => o.node !== killed.node && !o.failing, { what: 'a replica to take over the shard', timeoutMs: seconds * 1000, describe: (o) => `${o.node} (failing: ${o.failing})` });
  this.fault.takeoverAt = Date.now();
  expectEqual({ refused, shoppedWhileDown: rounds >= 2 }, { refused: [], shoppedWhileDown: true }, `what the shoppers met while the shard's master was down (${rounds} rounds)`);
});
