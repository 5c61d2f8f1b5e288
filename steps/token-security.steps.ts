import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { adminApi } from '../support/admin-api.ts';
import type { Exchange } from '../support/http/api-client.ts';
import { eventually } from '../support/polling.ts';
import { queueApi } from '../support/queue-api.ts';
import { target } from '../support/target.ts';
import { forge } from '../support/token-forgery.ts';
import type { TicketWorld } from '../support/world.ts';

type ErrorBody = { error?: { code?: string } };
const codeOf = (res: Exchange) => (res.body as ErrorBody)?.error?.code;

/** Per scenario: the token under attack, a fan's previous token, figures before an admin call. */
const presented = new WeakMap<TicketWorld, string | undefined>();
const previousTokens = new WeakMap<TicketWorld, Map<string, string>>();
const figuresBefore = new WeakMap<TicketWorld, unknown>();

const tokenOf = (world: TicketWorld, name: string) => {
  const token = world.fan(name).token;
  assert.ok(token, `${name} has no token yet`);
  return token;
};

async function present(world: TicketWorld, token: string | undefined) {
  presented.set(world, token);
  await world.remember(queueApi.status(world.api, world.queueUrl(), token));
}

When("{word} presents {word}'s token with its contents altered to name {word}", async function (this: TicketWorld, _attacker: string, victim: string, who: string) {
  await present(this, forge.withFields(tokenOf(this, victim), { userId: this.fan(who).userId }));
});

When("{word} presents {word}'s token with its signature altered", async function (this: TicketWorld, _attacker: string, victim: string) {
  await present(this, forge.withFlippedSignatureBit(tokenOf(this, victim)));
});

When("{word} presents a token for {word}'s place signed with a key of her own", async function (this: TicketWorld, _attacker: string, victim: string) {
  await present(this, forge.signedWithOwnKey(tokenOf(this, victim)));
});

When("{word} presents {word}'s token altered to name another concert", async function (this: TicketWorld, _attacker: string, victim: string) {
  await present(this, forge.withFields(tokenOf(this, victim), { concertId: this.concertId('another concert') }));
});

When('{word} presents {string} as a token', async function (this: TicketWorld, _attacker: string, token: string) {
  await present(this, token);
});

When('{word} presents no token', async function (this: TicketWorld, _attacker: string) {
  await present(this, undefined);
});

Then('the waiting room refuses it as {string}', async function (this: TicketWorld, code: string) {
  const token = presented.get(this);
  // The same token is refused by every operation that takes one, on every instance.
  for (const url of target.queueUrls) {
    for (const res of [
      await queueApi.status(this.api, url, token),
      await queueApi.activate(this.api, url, token),
      await queueApi.exit(this.api, url, token),
    ]) {
      assert.deepEqual([res.status, codeOf(res)], [401, code], `${res.method} ${res.url} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
  }
});

When('{word} gives up her/his place in the queue', async function (this: TicketWorld, name: string) {
  const token = tokenOf(this, name);
  const res = await queueApi.exit(this.api, this.queueUrl(), token);
  assert.equal(res.status, 204, `leaving answered ${res.status}: ${JSON.stringify(res.body)}`);
  rememberPrevious(this, name, token);
});

function rememberPrevious(world: TicketWorld, name: string, token: string) {
  const map = previousTokens.get(world) ?? new Map<string, string>();
  map.set(name, token);
  previousTokens.set(world, map);
}

async function assertExpiredEverywhere(world: TicketWorld, token: string) {
  const answers = [];
  for (const url of target.queueUrls) {
    answers.push(await queueApi.status(world.api, url, token), await queueApi.activate(world.api, url, token), await queueApi.exit(world.api, url, token));
  }
  answers.push(await world.api.send('GET', `${target.coreUrl}/api/v1/concerts/${world.concertId()}/seats`, { headers: { 'x-queue-token': token } }));
  for (const res of answers) {
    assert.deepEqual([res.status, codeOf(res)], [410, 'TOKEN_EXPIRED'], `${res.method} ${res.url} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
}

Then("{word}'s old token is refused everywhere as expired", async function (this: TicketWorld, name: string) {
  await assertExpiredEverywhere(this, previousTokens.get(this)?.get(name) ?? tokenOf(this, name));
});

Then("{word}'s previous token is still refused as expired", async function (this: TicketWorld, name: string) {
  const previous = previousTokens.get(this)?.get(name);
  assert.ok(previous, `${name} had no previous token`);
  assert.notEqual(previous, tokenOf(this, name), 're-entering after leaving must give a new token');
  const res = await queueApi.status(this.api, this.queueUrl(), previous);
  assert.deepEqual([res.status, codeOf(res)], [410, 'TOKEN_EXPIRED']);
});

// ---- core service --------------------------------------------------------------------------

Given('{word} has bought a seat', async function (this: TicketWorld, name: string) {
  const token = tokenOf(this, name);
  const headers = { 'x-queue-token': token };
  const seats = await this.api.send('GET', `${target.coreUrl}/api/v1/concerts/${this.concertId()}/seats`, { headers });
  assert.equal(seats.status, 200, `seats answered ${seats.status}: ${JSON.stringify(seats.body)}`);
  const seat = (seats.body as { seats: { seatId: string; status: string }[] }).seats.find((s) => s.status === 'AVAILABLE');
  assert.ok(seat, 'no seat available');
  const held = await this.api.send('POST', `${target.coreUrl}/api/v1/reservations`, { headers, body: { concertId: this.concertId(), seatId: seat.seatId } });
  assert.equal(held.status, 201, `reserving answered ${held.status}: ${JSON.stringify(held.body)}`);
  const paid = await this.api.send('POST', `${target.coreUrl}/api/v1/payments`, {
    headers: { ...headers, 'idempotency-key': randomUUID() },
    body: { reservationId: (held.body as { reservationId: string }).reservationId },
  });
  assert.equal(paid.status, 201, `paying answered ${paid.status}: ${JSON.stringify(paid.body)}`);
  rememberPrevious(this, name, token);
});

Given('a second concert is on sale', async function (this: TicketWorld) {
  const res = await adminApi.createConcert(this.api, { concertId: this.concertId('the second concert'), name: 'Second Night', seatCount: 10, price: 40_000 });
  assert.equal(res.status, 201, `creating the concert answered ${res.status}: ${JSON.stringify(res.body)}`);
});

When('{word} asks for the seats of the second concert with her/his token', async function (this: TicketWorld, name: string) {
  await this.remember(
    this.api.send('GET', `${target.coreUrl}/api/v1/concerts/${this.concertId('the second concert')}/seats`, {
      headers: { 'x-queue-token': tokenOf(this, name) },
    }),
  );
});

Then('the booking service refuses it as {string}', function (this: TicketWorld, code: string) {
  assert.deepEqual([this.last?.status, codeOf(this.last!)], [403, code], JSON.stringify(this.last?.body));
});

// ---- operator calls ------------------------------------------------------------------------

async function credentialsHeader(world: TicketWorld, credentials: string): Promise<Record<string, string>> {
  switch (credentials) {
    case 'no credentials':
      return {};
    case 'a wrong key':
      return { authorization: `Bearer ${randomBytes(24).toString('base64url')}` };
    case 'the key with a suffix':
      return { authorization: `Bearer ${target.adminToken}x` };
    case 'a non-Bearer scheme':
      return { authorization: `Basic ${target.adminToken}` };
    case "a fan's queue token": {
      const res = await queueApi.enter(world.api, world.queueUrl(), { concertId: world.concertId(), userId: world.fan('Mallory').userId });
      return { authorization: `Bearer ${(res.body as { token: string }).token}` };
    }
    default:
      throw new Error(`unknown credentials "${credentials}"`);
  }
}

const queueFigures = async (world: TicketWorld) => {
  const res = await adminApi.queueStats(world.api, world.queueUrl(), world.concertId());
  assert.equal(res.status, 200, `queue figures answered ${res.status}`);
  return res.body;
};

When('someone calls {string} with {}', async function (this: TicketWorld, operation: string, credentials: string) {
  const headers = await credentialsHeader(this, credentials);
  figuresBefore.set(this, await queueFigures(this));
  const room = `${this.queueUrl()}/admin/concerts/${this.concertId()}`;
  const calls: Record<string, () => Promise<Exchange>> = {
    'create a concert': () =>
      this.api.send('POST', `${target.coreUrl}/admin/concerts`, {
        headers,
        body: { concertId: this.concertId('the forged concert'), name: 'Forged', seatCount: 10, price: 1 },
      }),
    'pause admission': () => this.api.send('POST', `${room}/queue/pause`, { headers }),
    'resume admission': () => this.api.send('POST', `${room}/queue/resume`, { headers }),
    'change the queue policy': () => this.api.send('PUT', `${room}/queue-policy`, { headers, body: { activeLimit: 1, admitPerSecond: 1 } }),
    'read the queue figures': () => this.api.send('GET', `${room}/queue`, { headers }),
  };
  const call = calls[operation];
  if (!call) throw new Error(`unknown operation "${operation}"`);
  await this.remember(call());
});

Then('the call is refused as {string}', function (this: TicketWorld, code: string) {
  assert.deepEqual([this.last?.status, codeOf(this.last!)], [401, code], JSON.stringify(this.last?.body));
});

Then("the concert's waiting room is unchanged", async function (this: TicketWorld) {
  // Nobody entered, left or was expired by the call (admissions go on by themselves).
  const pick = (f: Record<string, number>) => ({ entered: f.entered, exited: f.exited, expired: f.expired, completed: f.completed });
  assert.deepEqual(pick((await queueFigures(this)) as Record<string, number>), pick(figuresBefore.get(this) as Record<string, number>));
  // No concert was created behind the operators' back.
  const forged = await queueApi.enter(this.api, this.queueUrl(), { concertId: this.concertId('the forged concert'), userId: 'probe' });
  assert.equal(codeOf(forged), 'CONCERT_NOT_FOUND');
  // Admission is neither paused nor throttled to one fan: two newcomers are both let in.
  for (const name of ['Newcomer1', 'Newcomer2']) {
    const res = await queueApi.enter(this.api, this.queueUrl(), { concertId: this.concertId(), userId: this.fan(name).userId });
    this.fan(name).token = (res.body as { token: string }).token;
  }
  for (const name of ['Newcomer1', 'Newcomer2']) {
    await eventually(
      () => queueApi.status(this.api, this.queueUrl(), this.fan(name).token),
      (res) => res.status === 200 && (res.body as { status: string }).status === 'READY',
      { what: `${name} to be let in`, timeoutMs: 10_000, intervalMs: 200 },
    );
  }
});
