import { Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { tokenOf } from '../support/journeys.ts';
import { queueApi } from '../support/queue-api.ts';
import { counterfeitTokens } from '../support/queue-tokens.ts';
import type { TicketWorld } from '../support/world.ts';

/** The token each example presents; undefined means the header is left out. */
const presentedTokens: Record<string, (world: TicketWorld) => string | undefined> = {
  'no token at all': () => undefined,
  'a token signed with the wrong key': (w) => counterfeitTokens.forged(w.concertId(), w.fan('Ann').userId),
  "Ann's token altered to name Ben": (w) => counterfeitTokens.renamed(tokenOf(w, 'Ann'), w.fan('Ben').userId),
  "Ann's token with one character changed": (w) => counterfeitTokens.altered(tokenOf(w, 'Ann')),
  "Ann's token cut short": (w) => counterfeitTokens.truncated(tokenOf(w, 'Ann')),
  'a token from another system': () => counterfeitTokens.foreign(),
};

When('someone checks a place in the queue with {}', async function (this: TicketWorld, description: string) {
  const token = presentedTokens[description];
  assert.ok(token, `no example of ${description}`);
  this.last = await queueApi.status(this.api, this.queueUrl(), token(this));
});

When(
  "someone tries to {placeAction} with {word}'s token altered to name {word}",
  async function (this: TicketWorld, action: string, holder: string, victim: string) {
    const token = counterfeitTokens.renamed(tokenOf(this, holder), this.fan(victim).userId);
    const call = { 'take a turn': queueApi.activate, 'leave the queue': queueApi.exit, 'check the queue': queueApi.status }[action]!;
    this.last = await call(this.api, this.queueUrl(), token);
  },
);

Then('they are refused because the token is {word}', function (this: TicketWorld, reason: 'missing' | 'invalid') {
  const code = { missing: 'TOKEN_MISSING', invalid: 'TOKEN_INVALID' }[reason];
  assert.deepEqual([this.last?.status, (this.last?.body as { error?: { code: string } }).error?.code], [401, code]);
});
