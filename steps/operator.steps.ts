import { DataTable, Given, Then, When } from '@cucumber/cucumber';
import { authorizationFor, figuresOf, type Operator } from '../support/driver/operator.ts';
import type { Fan } from '../support/driver/fan.ts';
import { records } from '../support/driver/records.ts';
import { serviceLogs } from '../support/driver/service-logs.ts';
import { queueServers } from '../support/driver/stage.ts';
import type { Policy, QueueStats } from '../support/driver/schemas.ts';
import { expectEqual, expectSuccess, expectThat } from '../support/expect.ts';
import { eventually } from '../support/polling.ts';
import type { TicketWorld } from '../support/world.ts';

// ---- Concerts --------------------------------------------------------------------------------

/** Prices are written in the currency (80.00) and sent in minor units (8000). */
const minorUnits = (amount: number) => Math.round(amount * 100);

Given('a concert with {int} seats is on sale', async function (this: TicketWorld, seatCount: number) {
  expectSuccess(await this.operator.putOnSale({ seatCount, price: 50_000 }));
});

Given('a concert {string} with {int} seats is on sale', async function (this: TicketWorld, concert: string, seatCount: number) {
  expectSuccess(await this.operator.putOnSale({ concert, name: concert, seatCount, price: 40_000 }));
});

When('the operator puts a concert with {int} seats at {float} on sale( again)', async function (this: TicketWorld, seatCount: number, price: number) {
  await this.operator.putOnSale({ seatCount, price: minorUnits(price) });
});

/** Concerts the contract refuses, each with a reason a reader can see. */
const unusableConcerts: Record<string, (concertId: string) => unknown> = {
  'no seats': (concertId) => ({ concertId, name: 'No seats', seatCount: 0, price: 100 }),
  'more than 10000 seats': (concertId) => ({ concertId, name: 'Too big', seatCount: 10_001, price: 100 }),
  'a negative price': (concertId) => ({ concertId, name: 'Negative', seatCount: 10, price: -1 }),
  'a price over a million': (concertId) => ({ concertId, name: 'Too dear', seatCount: 10, price: 100_000_001 }),
  'a fractional price': (concertId) => ({ concertId, name: 'Fractional', seatCount: 10, price: 10.5 }),
  'no name': (concertId) => ({ concertId, seatCount: 10, price: 100 }),
  'an unusable id': (concertId) => ({ concertId: `${concertId}/../x`, name: 'Bad id', seatCount: 10, price: 100 }),
};

When('the operator puts a concert on sale with {}', async function (this: TicketWorld, problem: string) {
  expectThat(problem in unusableConcerts, `no example of a concert with ${problem}; known: ${Object.keys(unusableConcerts).join(', ')}`);
  await this.operator.putOnSaleAsIs(unusableConcerts[problem](this.concertId()));
});

Then('the concert is on sale with {int} seats', async function (this: TicketWorld, seatCount: number) {
  expectEqual((await records.seatIds(this.concertId())).length, seatCount, 'seats on record for the concert');
  expectSuccess(await this.operator.stats());
});

Then('the concert does not exist', async function (this: TicketWorld) {
  expectEqual(await records.concertExists(this.concertId()), false, 'the refused concert is on record');
});

// ---- Policy, in the words of the business ---------------------------------------------------

async function setPolicy(world: TicketWorld, changes: Partial<Policy>, through?: number) {
  expectSuccess(await world.operator.setPolicy(changes, { through }));
}

Given('the waiting room lets at most {int} fan(s) in at a time{through}', async function (this: TicketWorld, activeLimit: number, through?: number) {
  await setPolicy(this, { activeLimit }, through);
});

Given('the waiting room admits up to {int} fan(s) a second', async function (this: TicketWorld, admitPerSecond: number) {
  await setPolicy(this, { admitPerSecond });
});

Given('a fan who is let in has {int} second(s) to start shopping', async function (this: TicketWorld, readyTtlSeconds: number) {
  await setPolicy(this, { readyTtlSeconds });
});

Given('a shopper who stays idle for {int} second(s) loses their turn', async function (this: TicketWorld, activeIdleSeconds: number) {
  await setPolicy(this, { activeIdleSeconds });
});

Given('a shopping session lasts at most {int} second(s)', async function (this: TicketWorld, sessionSeconds: number) {
  await setPolicy(this, { sessionSeconds });
});

Given('a shopper may extend her session {int} time(s)', async function (this: TicketWorld, maxExtensions: number) {
  await setPolicy(this, { maxExtensions });
});

Given('seats are held for {int} second(s)', async function (this: TicketWorld, holdSeconds: number) {
  await setPolicy(this, { holdSeconds });
  this.holdSeconds = holdSeconds;
});

/** The policy's fields as operators name them. */
const policyFields: Record<string, keyof Policy> = {
  'active limit': 'activeLimit',
  'admissions a second': 'admitPerSecond',
  'seconds to start shopping': 'readyTtlSeconds',
  'idle seconds': 'activeIdleSeconds',
  'hold seconds': 'holdSeconds',
  'session seconds': 'sessionSeconds',
  extensions: 'maxExtensions',
  'pre-queue opens': 'preQueueOpensAt',
  'sale starts': 'saleStartsAt',
  shards: 'shards',
};

function policyOf(world: TicketWorld, table: DataTable): Partial<Policy> {
  const [row] = table.hashes();
  return Object.fromEntries(
    Object.entries(row).map(([field, value]) => {
      expectThat(field in policyFields, `no policy field "${field}"; known: ${Object.keys(policyFields).join(', ')}`);
      // An instant the table leaves out is written "none"; "as set up": as the concert was put on sale (its shards, by profile).
      return [policyFields[field], value === 'none' ? null : value === 'as set up' ? (world.roomShards ?? 1) : Number(value)];
    }),
  );
}

When('the operator changes the policy:', async function (this: TicketWorld, table: DataTable) {
  await this.operator.setPolicy(policyOf(this, table));
});

Then('the effective policy is:', function (this: TicketWorld, table: DataTable) {
  const answer = this.latestTo('changing the queue policy');
  expectSuccess(answer);
  expectEqual(answer.value, policyOf(this, table), 'the effective policy the operator got back');
});

/** Policy changes the contract rules out. */
const unusablePolicies: Record<string, unknown> = {
  'an active limit of 0': { activeLimit: 0 },
  'an active limit over a million': { activeLimit: 1_000_001 },
  'a negative admission rate': { admitPerSecond: -5 },
  'no admissions at all': { admitPerSecond: 0 },
  'over 100,000 admissions a second': { admitPerSecond: 100_001 },
  'an active limit of 2.5': { activeLimit: 2.5 },
  'an active limit written as text': { activeLimit: '10' },
  'a turn window longer than a day': { readyTtlSeconds: 86_401 },
  'a valid active limit but an invalid idle time': { activeLimit: 3, activeIdleSeconds: 0 },
  'a session longer than a day': { sessionSeconds: 86_401 },
  'more than 10 extensions': { maxExtensions: 11 },
  'a negative number of extensions': { maxExtensions: -1 },
  'more than 16 shards': { shards: 17 },
  'no shards': { shards: 0 },
  'a number of shards written as text': { shards: '3' },
  'a sale start that is not an instant': { saleStartsAt: 'tomorrow at noon' },
  'a sale start without its offset': { saleStartsAt: '2030-01-01T12:00:00' },
  'a pre-queue without a sale start': { preQueueOpensAt: '2030-01-01T12:00:00Z' },
  'a pre-queue that opens after the sale starts': { preQueueOpensAt: '2030-01-01T13:00:00Z', saleStartsAt: '2030-01-01T12:00:00Z' },
  // Refused once the sale started: its draw is public (409 SALE_ALREADY_STARTED).
  'a sale start in the future': { saleStartsAt: '2030-01-01T12:00:00Z' },
  'no settings at all': { unrelated: 1 },
  'a list instead of settings': [{ activeLimit: 3 }],
  'text that is not JSON': { text: '{"activeLimit": 3,' },
};

When('the operator tries to change the policy with {}', async function (this: TicketWorld, change: string) {
  expectThat(change in unusablePolicies, `no example of a policy change with ${change}`);
  this.roomBefore = await roomNow(this);
  await this.operator.setPolicy(unusablePolicies[change]);
});

Then('the waiting room policy is unchanged', async function (this: TicketWorld) {
  expectEqual((await roomNow(this)).policy, this.roomBefore?.policy, 'the policy after the refused change');
});

// ---- Admission -----------------------------------------------------------------------------

Given('admission to the concert is {admission}{through}', async function (this: TicketWorld, state: string, through?: number) {
  expectSuccess(await (state === 'paused' ? this.operator.pause({ through }) : this.operator.resume({ through })));
});

Then('every queue server reports admission paused, letting at most {int} fans in at a time', async function (this: TicketWorld, activeLimit: number) {
  for (const through of queueServers.all()) {
    const stats = (await this.operator.stats({ through })).value;
    expectEqual({ paused: stats.paused, activeLimit: stats.policy.activeLimit }, { paused: true, activeLimit }, `queue server ${through}'s view of the room`);
  }
});

// ---- Statistics ----------------------------------------------------------------------------

async function roomNow(world: TicketWorld, through?: number): Promise<QueueStats> {
  return (await world.operator.stats({ through })).value;
}

Then('{statistics} show {figures}', async function (this: TicketWorld, where: string, figures: Record<string, number>) {
  for (const through of where === 'every' ? queueServers.all() : [1]) {
    expectEqual(figuresOf(await roomNow(this, through), figures), figures, `queue server ${through}'s statistics`);
  }
});

Then('the queue statistics eventually show {figures}', async function (this: TicketWorld, figures: Record<string, number>) {
  // Only the operator's statistics are read: they never expire anything themselves.
  await this.operator.waitUntilStatsShow(figures);
});

// In fans a second: a rate measured in another unit (a minute, a millisecond) is off by far more than 3 times.
Then('the queue statistics eventually show fans let in at about {int} a second', async function (this: TicketWorld, perSecond: number) {
  const { seen, settled } = await this.operator.watchMeasuredRate(perSecond);
  expectEqual(seen.filter((rate) => rate < perSecond / 3 || rate > perSecond * 3), [], `measured admission rates more than 3 times off ${perSecond} a second`);
  expectThat(settled, `the measured admission rate never came within a quarter of ${perSecond} a second: ${seen.join(', ')}`);
});

When("{fan}'s unused turn lapses while admission is paused", async function (this: TicketWorld, fan: Fan) {
  // Still held now, after the others entered: whichever promoter run expires it comes later
  // than their entries, and would have let them in had the pause not held.
  const now = await roomNow(this);
  expectEqual({ ready: now.ready, expired: now.expired, paused: now.paused }, { ready: 1, expired: 0, paused: true }, `the room before ${fan}'s turn lapsed`);
  await eventually(() => roomNow(this), (stats) => stats.expired === 1, { what: `${fan}'s turn to lapse`, timeoutMs: 15_000, describe: (s) => `${s.expired} expired` });
});

// ---- Operator credentials --------------------------------------------------------------------

/** What someone may try on a waiting room, by the words scenarios use. */
const operatorActions: Record<string, (operator: Operator) => Promise<unknown>> = {
  'put a concert on sale': (operator) => operator.putOnSale({ concert: UNINVITED_CONCERT, seatCount: 10, price: 1 }),
  'change the policy': (operator) => operator.setPolicy({ activeLimit: 1, admitPerSecond: 1 }),
  'pause admission': (operator) => operator.pause(),
  'resume admission': (operator) => operator.resume(),
  'read the statistics': (operator) => operator.stats(),
};

/** The concert someone without the operators' key tries to put on sale. */
const UNINVITED_CONCERT = 'the concert someone tried to create';

async function presentedAuthorization(world: TicketWorld, presented: string): Promise<string | undefined> {
  if (presented !== "a fan's queue token") return authorizationFor(presented);
  const mallory = world.fan('Mallory');
  expectSuccess(await mallory.enter());
  return `Bearer ${mallory.token()}`;
}

When('someone with {credentials} tries to {operatorAction}', async function (this: TicketWorld, presented: string, action: string) {
  const authorization = await presentedAuthorization(this, presented);
  this.roomBefore = await roomNow(this);
  await operatorActions[action](this.someoneWith(presented, authorization));
});

When('the operator tries to {operatorAction} for a concert that is not on sale', async function (this: TicketWorld, action: string) {
  await operatorActions[action](this.operator.forConcert('a concert that is not on sale'));
});

/** What a refused call must leave as it was in a waiting room. */
const untouchable = (room: QueueStats) => ({ paused: room.paused, policy: room.policy, entered: room.entered, exited: room.exited, expired: room.expired });

Then('the waiting room is still {admission}, and nothing else changed', async function (this: TicketWorld, state: string) {
  expectThat(this.roomBefore !== undefined, 'the room was not looked at before the refused call');
  expectEqual(untouchable(await roomNow(this)), { ...untouchable(this.roomBefore), paused: state === 'paused' }, 'the waiting room after the refused call');
  // No concert was put on sale behind the operators' back: its waiting room does not exist.
  const probe = await this.fan('Probe').enter({ concert: UNINVITED_CONCERT });
  expectThat(probe.code === 'CONCERT_NOT_FOUND', `the concert someone tried to put on sale has a waiting room: entering it answered ${probe}`);
});

// ---- Monitoring ----------------------------------------------------------------------------

Then('every queue server reports it is alive and ready to serve', async function (this: TicketWorld) {
  for (const server of queueServers.all()) {
    expectSuccess(await this.operator.health(server, 'live'));
    const ready = await this.operator.health(server, 'ready');
    expectEqual(`${ready} ${ready.succeeded ? ready.value.status : ''}`, '200 UP', `queue server ${server} asked whether it is ready`);
  }
});

Then("every queue server's monitoring figures for the concert show:", async function (this: TicketWorld, table: DataTable) {
  const rows = table.hashes();
  for (const server of queueServers.all()) {
    const seen = await this.operator.monitoringFigures(server, rows.map(({ figure }) => figure));
    expectEqual(rows.map(({ figure }) => ({ figure, value: String(seen[figure]) })), rows, `queue server ${server}'s monitoring figures`);
  }
});

Given("the core service's monitoring figures are noted", async function (this: TicketWorld) {
  await this.operator.noteCoreFigures();
});

Then("the core service's monitoring figures rose by:", async function (this: TicketWorld, table: DataTable) {
  const rows = table.hashes();
  const rise = await this.operator.coreFiguresRise(rows.map(({ figure }) => figure));
  expectEqual(rows.map(({ figure }) => ({ figure, by: String(rise[figure]) })), rows, "the core service's monitoring figures since they were noted");
});

/** The monitoring figure: how many waits, from entering to being let in, a queue server recorded. */
const WAITS_RECORDED = 'waits to be let in recorded';

Then('the time {fan} waited to be let in was recorded once', async function (this: TicketWorld, fan: Fan) {
  // Whichever queue server let the fan in recorded it: add up every server's count.
  let recorded = 0;
  for (const server of queueServers.all()) recorded += (await this.operator.monitoringFigures(server, [WAITS_RECORDED]))[WAITS_RECORDED] ?? 0;
  expectEqual(recorded, 1, `times recorded, over every queue server, of how long ${fan} and others waited to be let in`);
});

Then("the service logs never show {fan}'s token or the operators' key", async function (this: TicketWorld, fan: Fan) {
  // The logs have caught up with this scenario once they mention its concert (fans were let in).
  const logs = await serviceLogs.readOnceTheyMention(this.concertId(), 'the concert');
  const signature = fan.token().split('.').at(-1) ?? '';
  expectThat(!logs.includes(signature), `the service logs show ${fan}'s queue token`);
  expectThat(!logs.includes(serviceLogs.adminToken()), "the service logs show the operators' key");
});
