import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContractRules, ContractViolation } from '../../support/driver/contract-rules.ts';
import { RoomModel } from '../../support/driver/room-model.ts';
import { routes, type Route } from '../../support/driver/routes.ts';
import { schemas } from '../../support/driver/schemas.ts';
import { call, type Stage } from '../../support/driver/stage.ts';
import type { ApiClient, Exchange } from '../../support/http/api-client.ts';

// The contract's universal rules (support/driver/contract-rules.ts) are checked where every
// answer arrives, in call(): these feed call() planted answers, as a queue server could send
// them, and see the step fail, naming the rule, or pass.

const QUEUE = 'http://queue.test';
const CORE = 'http://core.test';
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** A stage whose HTTP client answers each request with the next planted answer. */
function stageAnswering(...answers: Partial<Exchange>[]): Stage {
  const queue = [...answers];
  const api = {
    exchanges: [],
    async send(method: string, url: string, options: { headers?: Record<string, string> } = {}): Promise<Exchange> {
      const planted = queue.shift();
      if (!planted) throw new Error(`no answer planted for ${method} ${url}`);
      return { method, url, requestHeaders: options.headers ?? {}, status: 200, responseHeaders: JSON_TYPE, body: {}, startedAt: Date.now(), durationMs: 1, ...planted };
    },
  } as unknown as ApiClient;
  return { api, rules: new ContractRules(), rooms: new RoomModel(), payments: [], concertId: () => 'c-1' };
}

const refusal = (status: number, code: string, headers: Record<string, string> = {}) => ({
  status,
  responseHeaders: { ...JSON_TYPE, ...headers },
  body: { error: { code, message: 'planted' } },
});

const entry = (token: string, position: number, status = 'WAITING', code = 201) => ({
  status: code,
  body: { status, token, position, totalWaiting: position, estimatedWaitSeconds: 1, pollAfterMs: 1000 },
});

const place = (status: string, position: number | null, expiresAt: string | null = null) => ({
  body: { status, position, totalWaiting: 10, estimatedWaitSeconds: 1, expiresAt, pollAfterMs: 1000 },
});

const enter = (stage: Stage, userId = 'ann') => call(stage, 'Ann entering the queue', QUEUE, routes.queue.enter(), schemas.entry, { body: { concertId: 'c-1', userId } });
const check = (stage: Stage, token = 't-1') => call(stage, 'Ann checking her place', QUEUE, routes.queue.status(), schemas.status, { headers: { 'x-queue-token': token } });
const extend = (stage: Stage) => call(stage, 'Ann extending her turn', QUEUE, routes.queue.extend(), schemas.extension, { headers: { 'x-queue-token': 't-1' } });

async function expectBroken(attempt: Promise<unknown>, rule: RegExp): Promise<void> {
  await assert.rejects(attempt, (error: unknown) => {
    assert.ok(error instanceof ContractViolation, `expected a ContractViolation, got ${error}`);
    assert.match(error.message, rule);
    return true;
  });
}

test('a 429 without Retry-After fails the call that got it, naming the rule', async () => {
  const stage = stageAnswering(refusal(429, 'RATE_LIMITED'));
  await expectBroken(enter(stage), /Ann entering the queue: every 429 says when to retry \(Retry-After.*none/);
});

test('a 503 without Retry-After fails the call, whatever the route', async () => {
  const stage = stageAnswering(refusal(503, 'SERVICE_UNAVAILABLE'));
  const seats: Route = routes.core.seats('c-1');
  await expectBroken(call(stage, 'Ann looking at the seats', CORE, seats, schemas.seats, { headers: { 'x-queue-token': 't-1' } }), /every 503 says when to retry/);
});

test('a 429 and a 503 that say when to retry pass', async () => {
  const stage = stageAnswering(refusal(429, 'RATE_LIMITED', { 'retry-after': '2' }), refusal(503, 'SERVICE_UNAVAILABLE', { 'retry-after': '1' }));
  assert.equal((await enter(stage)).status, 429);
  assert.equal((await enter(stage)).status, 503);
});

test('Retry-After must be a positive number of seconds', async () => {
  await expectBroken(enter(stageAnswering(refusal(429, 'RATE_LIMITED', { 'retry-after': '0' }))), /Retry-After.*"0"/);
  await expectBroken(enter(stageAnswering(refusal(429, 'RATE_LIMITED', { 'retry-after': 'soon' }))), /Retry-After.*"soon"/);
});

test('a status or code the contract does not list for the route fails', async () => {
  await expectBroken(enter(stageAnswering(refusal(500, 'INTERNAL_ERROR'))), /POST \/api\/v1\/queue\/enter answers .*never 500/);
  await expectBroken(enter(stageAnswering(refusal(404, 'SEAT_NOT_FOUND'))), /refuses with 404 CONCERT_NOT_FOUND, not 404 SEAT_NOT_FOUND/);
});

test('an answer that is not JSON where the contract answers JSON fails', async () => {
  await expectBroken(enter(stageAnswering({ ...entry('t-1', 1), responseHeaders: { 'content-type': 'text/html' } })), /as application\/json, not "text\/html"/);
});

test("a waiting fan's position rising, across her entry and her checks, fails", async () => {
  const stage = stageAnswering(entry('t-1', 3), place('WAITING', 2), place('WAITING', 4));
  await enter(stage);
  await check(stage);
  await expectBroken(check(stage), /a waiting fan's position never rises: Ann checking her place \(WAITING at 2\), then Ann checking her place \(WAITING at 4\)/);
});

test('positions that only fall, and a fan let in, pass', async () => {
  const stage = stageAnswering(entry('t-1', 3), place('WAITING', 2), place('WAITING', 1), place('READY', null, new Date(Date.now() + 60_000).toISOString()));
  await enter(stage);
  for (let i = 0; i < 3; i++) await check(stage);
});

test('a status going back, or a dead token answering again, fails', async () => {
  const ends = new Date(Date.now() + 60_000).toISOString();
  await expectBroken(
    (async () => {
      const stage = stageAnswering(place('READY', null, ends), place('WAITING', 1));
      await check(stage);
      await check(stage);
    })(),
    /status only moves forward: .*READY.*then .*WAITING/,
  );
  await expectBroken(
    (async () => {
      const stage = stageAnswering(refusal(410, 'TOKEN_EXPIRED'), place('WAITING', 1));
      await check(stage);
      await check(stage);
    })(),
    /status only moves forward: .*GONE.*then .*WAITING/,
  );
});

test("a shopper's deadline moved by a refused extension fails; by a granted one it passes", async () => {
  const first = new Date(Date.now() + 60_000).toISOString();
  const later = new Date(Date.now() + 120_000).toISOString();
  const granted = stageAnswering(place('ACTIVE', null, first), { body: { status: 'ACTIVE', expiresAt: later, extensionsLeft: 1 } }, place('ACTIVE', null, later));
  await check(granted);
  await extend(granted);
  await check(granted);
  const refused = stageAnswering(place('ACTIVE', null, first), refusal(409, 'EXTENSION_LIMIT'), place('ACTIVE', null, later));
  await check(refused);
  await extend(refused);
  await expectBroken(check(refused), /a shopper's deadline moves only by a box-office call or an extension, and none came between/);
});

test("a refused extension after a granted one leaves the deadline the granted one told", async () => {
  const told = new Date(Date.now() + 60_000).toISOString();
  const moved = new Date(Date.now() + 120_000).toISOString();
  const stage = stageAnswering({ body: { status: 'ACTIVE', expiresAt: told, extensionsLeft: 0 } }, refusal(409, 'EXTENSION_LIMIT'), place('ACTIVE', null, moved));
  await extend(stage);
  await extend(stage);
  await expectBroken(check(stage), /a shopper's deadline moves only by a box-office call or an extension, and none came between Ann extending her turn/);
});

test('a turn shown ACTIVE after its deadline fails: an entry past its deadline is expired when read', async () => {
  const stage = stageAnswering(place('ACTIVE', null, new Date(Date.now() - 5_000).toISOString()));
  await expectBroken(check(stage), /an entry past its deadline is expired when read/);
});

test('entering again must give back the live token, and a new entry a new one', async () => {
  await expectBroken(
    (async () => {
      const stage = stageAnswering(entry('t-1', 1), entry('t-2', 1, 'WAITING', 200));
      await enter(stage);
      await enter(stage);
    })(),
    /entering again while the place is alive returns the same token/,
  );
  await expectBroken(
    (async () => {
      const stage = stageAnswering(entry('t-1', 1), entry('t-2', 2), place('WAITING', 1));
      await enter(stage);
      await enter(stage);
      await check(stage, 't-1');
    })(),
    /a fan has one live entry/,
  );
});

test('a stream event that breaks a rule is reported by the next call', async () => {
  const stage = stageAnswering(entry('t-1', 2), entry('t-1', 1, 'WAITING', 200));
  await enter(stage);
  const pushed = JSON.stringify(place('WAITING', 5).body);
  stage.rules.pushed('t-1', "Ann's stream on queue server 1", pushed, performance.now(), performance.now());
  await expectBroken(enter(stage), /Ann's stream on queue server 1: a waiting fan's position never rises/);
});
