import { Then, When } from '@cucumber/cucumber';
import type { Fan } from '../support/driver/fan.ts';
import { placesOf, placesSinceEntry, waitingInOrder, watchLettingIn } from '../support/driver/places.ts';
import { queueServers } from '../support/driver/stage.ts';
import { expectAnswer, expectEqual, expectSuccess, expectThat, names } from '../support/expect.ts';
import type { TicketWorld } from '../support/world.ts';

// ---- Entering --------------------------------------------------------------------------------

When('{fan} enters the queue( again){through}', async function (this: TicketWorld, fan: Fan, through?: number) {
  expectSuccess(await fan.enter({ through }));
});

When('{fan} tries to enter the queue of {concert}', async function (this: TicketWorld, fan: Fan, concert: string) {
  await fan.enter({ concert });
});

/** What each attempt is, on the driver. */
const attempts: Record<string, (fan: Fan, through?: number) => Promise<{ succeeded: boolean }>> = {
  'enter the queue': (fan, through) => fan.enter({ through }),
  'start shopping': (fan, through) => fan.startShopping({ through }),
  'extend her turn': (fan, through) => fan.extendTurn({ through }),
  'leave the queue': (fan, through) => fan.leave({ through }),
  'check her place': (fan, through) => fan.status({ through }),
  'follow her place live': (fan, through) => fan.followPlace({ through }),
};

When('{fan} tries to {attempt}{moreTimes}{through}', async function (this: TicketWorld, fan: Fan, attempt: string, times: number, through?: number) {
  // She stops at the first refusal, the answer a Then step reads: a later try could meet a
  // refilled budget (240 checks a minute is one every 250 ms) and be let through, rightly.
  for (let i = 0; i < times; i++) if (!(await attempts[attempt](fan, through)).succeeded) return;
});

When('{fan} {repeated} {int} times{through}', async function (this: TicketWorld, fan: Fan, action: string, times: number, through?: number) {
  const once = action === 'enters the queue' ? () => fan.enter({ through }) : () => fan.status({ through });
  for (let i = 0; i < times; i++) expectSuccess(await once());
});

When('{fans} enter the queue in that order', async function (this: TicketWorld, fans: Fan[]) {
  for (const fan of fans) expectSuccess(await fan.enter());
});

When('{fans} enter the queue in that order, taking turns across every queue server', async function (this: TicketWorld, fans: Fan[]) {
  const servers = queueServers.all();
  for (const [i, fan] of fans.entries()) expectSuccess(await fan.enter({ through: servers[i % servers.length] }));
});

When('{int} (more )fans enter the queue at the same instant', async function (this: TicketWorld, count: number) {
  for (const answer of await Promise.all(this.joinCrowd(count).map((fan) => fan.enter()))) expectSuccess(answer);
});

When('{int} fans enter the queue{through}', async function (this: TicketWorld, count: number, through?: number) {
  for (const fan of this.joinCrowd(count)) expectSuccess(await fan.enter({ through }));
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
  'text that is not JSON': (w) => ({ text: `{"concertId": "${w.concertId()}", "userId": ` }),
};

When('someone tries to enter the queue with {}', async function (this: TicketWorld, problem: string) {
  expectThat(problem in unusableEntries, `no example of an entry with ${problem}`);
  await this.fan('Someone').enterAsIs(unusableEntries[problem](this));
});

Then('the entry is accepted as new', function (this: TicketWorld) {
  expectAnswer(this.latest, 201);
});

Then('{fan} is recognised as already in the queue, with the same token', function (this: TicketWorld, fan: Fan) {
  expectAnswer(this.latest, 200);
  expectThat(fan.token() === fan.previousToken(), `${fan} entering again got a new token, where she should have kept hers`);
});

Then('{fan} has a new token', function (this: TicketWorld, fan: Fan) {
  expectThat(fan.token() !== fan.previousToken(), `${fan} entered again and kept her old token, where she should have got a new one`);
});

// ---- Places in the queue -------------------------------------------------------------------

Then('{fan} is WAITING at position {int}{through}', async function (this: TicketWorld, fan: Fan, position: number, through?: number) {
  const place = (await fan.status({ through })).value;
  expectEqual(`${place.status} at position ${place.position}`, `WAITING at position ${position}`, `${fan}'s place`);
});

Then('{fan} stays WAITING at position {int} for {int} second(s)', async function (this: TicketWorld, fan: Fan, position: number, seconds: number) {
  // Long enough for several promoter runs (every 200 ms here, 1 s by default): none may let her in.
  const changed = await fan.placeChangeWithin(`WAITING at position ${position}`, seconds * 1000);
  expectThat(changed === undefined, `${fan} should still be WAITING at position ${position} for ${seconds} s, but is ${changed}`);
});

Then('{fans} are waiting at positions 1 to {int}', async function (this: TicketWorld, fans: Fan[], last: number) {
  expectEqual(fans.length, last, 'fans named for the positions');
  expectEqual(await placesOf(fans), waitingInOrder(fans), 'who waits where');
});

Then('{fans} are still where they were told, at positions 1 to {int}', async function (this: TicketWorld, fans: Fan[], last: number) {
  const places = await placesSinceEntry(fans);
  const moved = places.filter(({ told, now }) => now !== told).map(({ fan, told, now }) => `${fan} told ${told}, now ${now}`);
  expectThat(moved.length === 0, () => `${moved.length} of ${fans.length} fans are not where their entry told them: ${moved.slice(0, 5).join('; ')}`);
  expectEqual(places.map(({ now }) => now ?? 0).sort((a, b) => a - b), Array.from({ length: last }, (_, i) => i + 1), 'the positions the fans hold');
});

Then('every queue server tells {fan} she/he is {place}', async function (this: TicketWorld, fan: Fan, expected: string) {
  // Admission happens in the background: a server may need a moment to see it.
  for (const through of queueServers.all()) await fan.waitUntilToldSheIs(expected, { through, timeoutMs: 10_000 });
});

Then(
  '{fan} is told she/he is at position {int} of {int} waiting, with a wait estimate and when to check again',
  function (this: TicketWorld, fan: Fan, position: number, total: number) {
    const told = fan.lastEntry();
    expectEqual(`${told.status} ${told.position} of ${told.totalWaiting}`, `WAITING ${position} of ${total}`, `what ${fan}'s entry told her`);
    expectAdvice(fan);
  },
);

function expectAdvice(fan: Fan) {
  const { estimatedWaitSeconds, pollAfterMs } = fan.lastEntry();
  expectThat(Number.isInteger(estimatedWaitSeconds), `${fan} was told to expect ${estimatedWaitSeconds} s, not a whole number of seconds`);
  expectThat(pollAfterMs >= 1000 && pollAfterMs <= 60_000, `${fan} was told to check again after ${pollAfterMs} ms, not within a second to a minute`);
}

// ---- Being let in --------------------------------------------------------------------------

Then('{fans} is/are let in{through}', async function (this: TicketWorld, fans: Fan[], through?: number) {
  for (const fan of fans) await fan.waitUntilLetIn({ through, timeoutMs: 20_000 });
});

Then('as each fan who was let in leaves, the next is let in: {fans}', async function (this: TicketWorld, fans: Fan[]) {
  for (const [i, fan] of fans.entries()) {
    await fan.waitUntilLetIn();
    expectEqual(await placesOf(fans.slice(i + 1)), waitingInOrder(fans.slice(i + 1)), `where those who arrived after ${fan} wait once she was let in`);
    expectSuccess(await fan.leave());
  }
});

// The first second's worth may come at once (the bucket starts full); after that, no more than
// `perSecond` more each second since admission resumed. One more for the clock's grain.
Then('{fans} are let in no faster than {int} a second', async function (this: TicketWorld, fans: Fan[], perSecond: number) {
  const allowed = (seconds: number) => Math.floor(perSecond * (1 + seconds) + 1);
  const since = this.latestTo('resuming admission').exchange.startedAt;
  const { letIn, seconds, done } = await watchLettingIn(fans, { since, most: allowed, timeoutMs: (fans.length / perSecond + 3) * 1000 });
  expectThat(letIn.length <= allowed(seconds), `${letIn.length} fans let in ${seconds.toFixed(1)} s after admission resumed, at most ${allowed(seconds)} allowed at ${perSecond} a second: ${names(letIn)}`);
  expectThat(done, `only ${letIn.length} of ${fans.length} fans let in after ${seconds.toFixed(1)} s: ${names(letIn)}`);
});

// ---- Shopping ------------------------------------------------------------------------------

When('{fan} has started shopping{ofConcert}', async function (this: TicketWorld, fan: Fan, concert?: string) {
  await fan.startShoppingFromTheQueue({ concert });
});

When('{int} fans have started shopping', async function (this: TicketWorld, count: number) {
  await Promise.all(this.joinCrowd(count).map((fan) => fan.startShoppingFromTheQueue()));
});

When('{fan} starts shopping( again){through}', async function (this: TicketWorld, fan: Fan, through?: number) {
  expectSuccess(await fan.startShopping({ through }));
});

Then('{fan} is shopping', async function (this: TicketWorld, fan: Fan) {
  const place = (await fan.status()).value;
  expectEqual(`${place.status} at position ${place.position}`, 'ACTIVE at position null', `${fan}'s place`);
  expectThat(place.expiresAt !== null && Date.parse(place.expiresAt) > Date.now(), `${fan}'s turn ends at ${place.expiresAt}, not in the future`);
});

When('{fan} extends her/his turn', async function (this: TicketWorld, fan: Fan) {
  expectSuccess(await fan.extendTurn());
});

Then("{fan}'s turn ends {int} seconds later, and she/he may extend it {int} more time(s)", function (this: TicketWorld, fan: Fan, seconds: number, left: number) {
  const { ends, extensionsLeft } = fan.turn();
  expectThat(ends.length >= 2, `${fan} has not extended her turn`);
  const movedBy = (Date.parse(ends.at(-1)!) - Date.parse(ends.at(-2)!)) / 1000;
  expectEqual({ movedBy, left: extensionsLeft }, { movedBy: seconds, left }, `${fan}'s turn after her latest extension`);
});

// ---- Checking, lapsing, leaving ---------------------------------------------------------------

When('{fan} lets her/his turn lapse', async function (this: TicketWorld, fan: Fan) {
  // Only her place is checked while she waits: checking is not activity, so it must not keep the turn.
  await fan.waitUntilPlaceLost();
});

When('{fan} leaves the queue{through}', async function (this: TicketWorld, fan: Fan, through?: number) {
  expectSuccess(await fan.leave({ through }));
});

// ---- Wait estimates ------------------------------------------------------------------------

Then('{fan} is told to expect a wait of at most {int} second(s)', function (this: TicketWorld, fan: Fan, seconds: number) {
  const told = fan.lastEntry().estimatedWaitSeconds;
  expectThat(told !== null && told <= seconds, `${fan} was told to expect ${told} s, not at most ${seconds}`);
});

Then('{fan} is eventually told to expect a wait of more than {int} seconds', async function (this: TicketWorld, fan: Fan, seconds: number) {
  // Nobody who was let in moves on, so the measured pace of admission falls towards zero.
  await fan.waitUntilEstimateAbove(seconds);
});

Then('{fan} is asked to check again less often than {fan}', async function (this: TicketWorld, back: Fan, front: Fan) {
  const [b, f] = [(await back.status()).value, (await front.status()).value];
  expectThat((b.position ?? 0) > (f.position ?? 0), `${back} (position ${b.position}) is not behind ${front} (position ${f.position})`);
  expectThat(b.pollAfterMs > f.pollAfterMs, `${back} at position ${b.position} is asked every ${b.pollAfterMs} ms, ${front} at position ${f.position} every ${f.pollAfterMs} ms`);
});

Then('nobody is asked to check again more often than once a second', function (this: TicketWorld) {
  const told = [...this.crowd, this.fan('Ann'), this.fan('Zed')].map((fan) => ({ fan, every: fan.lastEntry().pollAfterMs }));
  const tooOften = told.filter(({ every }) => every < 1000);
  expectThat(tooOften.length === 0, () => `${tooOften.length} of ${told.length} fans were asked to check more often than once a second, e.g. ${tooOften[0].fan} every ${tooOften[0].every} ms`);
});

// ---- Queue servers that crash --------------------------------------------------------------

function survivingServers(world: TicketWorld): number[] {
  const crashed = world.fault.crashedServer;
  expectThat(crashed !== undefined, 'no queue server has crashed in this scenario');
  return queueServers.all().filter((server) => server !== crashed);
}

Then('every surviving queue server tells {fans} their places, 1 to {int}', async function (this: TicketWorld, fans: Fan[], last: number) {
  expectEqual(fans.length, last, 'fans named for the positions');
  for (const through of survivingServers(this)) {
    expectEqual(await placesOf(fans, { through }), waitingInOrder(fans), `the places queue server ${through} tells the fans`);
  }
});

Then('a newcomer can enter through every surviving queue server', async function (this: TicketWorld) {
  for (const through of survivingServers(this)) expectSuccess(await this.fan(`Newcomer${through}`).enter({ through }));
});
