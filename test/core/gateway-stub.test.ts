import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startGateway } from './helpers.ts';

let gateway: Awaited<ReturnType<typeof startGateway>>;
before(async () => {
  gateway = await startGateway();
});
after(() => gateway?.stop());
beforeEach(() => gateway.book.reset());

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const charge = (reference: string, amount = 1000) => call('POST', '/charges', { amount, reference });

describe('payment gateway stub', () => {
  test('approves by default and lists the charge', async () => {
    const res = await charge('c1/p1');
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'APPROVED');
    const seen = await call('GET', '/__control/charges');
    assert.equal(seen.body.charges.length, 1);
    assert.deepEqual(
      { reference: seen.body.charges[0].reference, amount: seen.body.charges[0].amount, status: seen.body.charges[0].status },
      { reference: 'c1/p1', amount: 1000, status: 'APPROVED' },
    );
  });

  test('declines and fails as told, charging nothing', async () => {
    await call('PUT', '/__control/behavior', { mode: 'decline' });
    assert.deepEqual(await charge('c1/p1'), { status: 402, body: { status: 'DECLINED' } });
    await call('PUT', '/__control/behavior', { mode: 'error' });
    assert.equal((await charge('c1/p2')).status, 500);
    const seen = await call('GET', '/__control/charges');
    assert.deepEqual(
      seen.body.charges.map((c: { status: string }) => c.status),
      ['DECLINED', 'ERROR'],
    );
  });

  test('behaviour scoped to a reference prefix leaves every other reference alone', async () => {
    const scoped = await call('PUT', '/__control/behavior', { mode: 'decline', referencePrefix: 'concert-b/' });
    assert.equal(scoped.status, 200);
    assert.equal((await charge('concert-b/p1')).status, 402);
    assert.equal((await charge('concert-a/p1')).status, 201);
    assert.equal((await call('DELETE', '/__control/behavior?referencePrefix=concert-b/')).status, 204);
    assert.equal((await charge('concert-b/p2')).status, 201);
    const onlyA = await call('GET', '/__control/charges?referencePrefix=concert-a/');
    assert.equal(onlyA.body.charges.length, 1);
  });

  test('in timeout mode the answer, and the charge, come only after the delay', async () => {
    await call('PUT', '/__control/behavior', { mode: 'timeout', delayMs: 300 });
    const started = Date.now();
    const pending = charge('c1/slow');
    assert.equal((await call('GET', '/charges?reference=c1/slow')).body.charges.length, 0, 'not charged before the delay');
    const res = await pending;
    assert.ok(Date.now() - started >= 290);
    assert.equal(res.status, 201);
    assert.equal((await call('GET', '/charges?reference=c1/slow')).body.charges.length, 1);
  });

  test('voids an approved charge once, harmlessly again, and records each void', async () => {
    const { body } = await charge('c1/p1');
    const voided = await call('POST', `/charges/${body.chargeId}/void`);
    assert.deepEqual(voided, { status: 200, body: { chargeId: body.chargeId, status: 'VOIDED' } });
    assert.equal((await call('POST', `/charges/${body.chargeId}/void`)).status, 200);
    assert.equal((await call('POST', '/charges/ch_unknown/void')).status, 404);
    const seen = await call('GET', '/__control/charges');
    assert.equal(seen.body.charges[0].status, 'VOIDED');
    assert.deepEqual(
      seen.body.voids.map((v: { outcome: string }) => v.outcome),
      ['VOIDED', 'ALREADY_VOIDED'],
    );
  });

  test('rejects malformed requests with 400', async () => {
    assert.equal((await call('POST', '/charges', { amount: -1, reference: 'x' })).status, 400);
    assert.equal((await call('POST', '/charges', { amount: 10 })).status, 400);
    assert.equal((await call('PUT', '/__control/behavior', { mode: 'explode' })).status, 400);
    assert.equal((await call('PUT', '/__control/behavior', { mode: 'approve', delayMs: -5 })).status, 400);
    assert.equal((await call('GET', '/__control/charges')).body.charges.length, 0);
  });
});
