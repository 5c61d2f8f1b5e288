import { Given, Then, When } from '@cucumber/cucumber';
import { counterfeit } from '../support/driver/counterfeit-tokens.ts';
import type { Answer } from '../support/driver/answer.ts';
import type { Fan } from '../support/driver/fan.ts';
import { expectAnswer, expectSuccess, expectThat } from '../support/expect.ts';
import type { TicketWorld } from '../support/world.ts';

// ---- Any refusal ----------------------------------------------------------------------------

Then('the request is refused with {int} {word}', function (this: TicketWorld, status: number, code: string) {
  expectAnswer(this.latest, status, code);
});

Then('the answer says to retry within a minute', function (this: TicketWorld) {
  const retryAfter = this.latest?.retryAfterSeconds;
  expectThat(retryAfter !== undefined && retryAfter >= 1 && retryAfter <= 60, `${this.latest?.what} was answered with Retry-After ${retryAfter}, not 1 to 60 seconds`);
});

/** Refusals that are not `status code`, as "call: answer". */
function unlike(answers: Answer<unknown>[], status: number, code: string): string[] {
  return answers.filter((a) => a.status !== status || a.code !== code).map((a) => `${a.what}: ${a}`);
}

function expectAllRefused(answers: Answer<unknown>[], status: number, code: string, whose: string) {
  const wrong = unlike(answers, status, code);
  expectThat(wrong.length === 0, () => `${wrong.length} of ${answers.length} calls with ${whose} were not refused with ${status} ${code}: ${wrong.join('; ')}`);
}

// ---- Tokens that must no longer work ---------------------------------------------------------

Then("{fan}'s {tokenKind} is refused everywhere as expired", async function (this: TicketWorld, fan: Fan, kind: string) {
  const token = kind === 'token' ? fan.token() : fan.previousToken();
  expectAllRefused(await fan.tryEveryCallWith(token), 410, 'TOKEN_EXPIRED', `${fan}'s ${kind}`);
});

// ---- Counterfeit tokens ----------------------------------------------------------------------

When('{fan} presents {}', function (this: TicketWorld, _attacker: Fan, description: string) {
  this.presentedToken = counterfeit(description, {
    tokenOf: (name) => this.fan(name).token(),
    userIdOf: (name) => this.fan(name).userId,
    otherConcertId: this.concertId('another concert'),
  });
});

Then('the token is refused everywhere with {int} {word}', async function (this: TicketWorld, status: number, code: string) {
  expectThat(this.presentedToken !== undefined, 'nobody presented a token');
  expectAllRefused(await this.fan('Mallory').tryEveryCallWith(this.presentedToken), status, code, 'the token');
});

// ---- Who may use the box office --------------------------------------------------------------

/** Where a fan stands when she tries the box office, and how she got there. */
const situations: Record<string, (fan: Fan, world: TicketWorld) => Promise<void>> = {
  'is still waiting in the queue': async (fan, world) => {
    expectSuccess(await world.operator.pause());
    expectSuccess(await fan.enter());
  },
  'has been let in but has not started shopping': async (fan) => {
    expectSuccess(await fan.enter());
    await fan.waitUntilLetIn();
  },
  'stayed idle while shopping until her turn ended': async (fan, world) => {
    expectSuccess(await world.operator.setPolicy({ activeIdleSeconds: 1 }));
    await fan.startShoppingFromTheQueue();
    await fan.waitUntilPlaceLost();
  },
  'has left the queue': async (fan) => {
    expectSuccess(await fan.enter());
    expectSuccess(await fan.leave());
  },
};

Given('{fan} {situation}', async function (this: TicketWorld, fan: Fan, situation: string) {
  await situations[situation](fan, this);
});

Then('every box-office call {fan} makes is refused with {int} {word}', async function (this: TicketWorld, fan: Fan, status: number, code: string) {
  expectAllRefused(await fan.tryEveryBoxOfficeCallWith(fan.token()), status, code, `${fan}'s token`);
});
