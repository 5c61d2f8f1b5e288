import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Exchange } from '../../support/http/api-client.ts';
import { maskExchanges, maskValue } from '../../support/http/mask-secrets.ts';

const TOKEN = 'v1.eyJjb25jZXJ0SWQiOiJjLTEifQ.c2lnbmF0dXJl';
const ADMIN = 'admin-secret-7f3a9c';

function exchange(overrides: Partial<Exchange>): Exchange {
  return {
    method: 'GET',
    url: 'http://127.0.0.1:4000/api/v1/queue/status',
    requestHeaders: {},
    status: 200,
    responseHeaders: {},
    body: undefined,
    startedAt: 0,
    durationMs: 3,
    ...overrides,
  };
}

describe('maskExchanges', () => {
  it('masks the queue token header and token fields, keeping a shared fingerprint', () => {
    const [entered, status] = maskExchanges([
      exchange({ method: 'POST', status: 201, body: { status: 'WAITING', token: TOKEN, position: 1 } }),
      exchange({ requestHeaders: { 'X-Queue-Token': TOKEN } }),
    ]);
    assert.deepEqual(entered.body, { status: 'WAITING', token: maskValue(TOKEN), position: 1 });
    assert.equal(status.requestHeaders['X-Queue-Token'], maskValue(TOKEN));
  });

  it('masks a bearer token but keeps the scheme, and keeps the Idempotency-Key', () => {
    const [masked] = maskExchanges([
      exchange({ requestHeaders: { authorization: `Bearer ${ADMIN}`, 'idempotency-key': 'pay-123' } }),
    ]);
    assert.equal(masked.requestHeaders.authorization, `Bearer ${maskValue(ADMIN)}`);
    assert.equal(masked.requestHeaders['idempotency-key'], 'pay-123');
  });

  it('masks a known secret wherever it is echoed: messages, raw bodies, URLs', () => {
    const [masked] = maskExchanges(
      [
        exchange({
          url: `http://127.0.0.1:4000/debug?token=${TOKEN}`,
          requestBody: `{"note":"admin is ${ADMIN}","nested":{"refreshToken":"r-123456"}}`,
          status: 401,
          body: { error: { code: 'TOKEN_INVALID', message: `token ${TOKEN} is not valid` } },
        }),
      ],
      [ADMIN],
    );
    const text = JSON.stringify(masked);
    assert.ok(!text.includes(TOKEN), text);
    assert.ok(!text.includes(ADMIN), text);
    assert.ok(!text.includes('r-123456'), text);
    assert.deepEqual(masked.body, { error: { code: 'TOKEN_INVALID', message: `token ${maskValue(TOKEN)} is not valid` } });
  });

  it('leaves ordinary data and the original exchanges untouched', () => {
    const original = exchange({ requestBody: { concertId: 'c-1', userId: 'alice' }, body: { seats: [{ seatId: 'A1' }] } });
    const [masked] = maskExchanges([original]);
    assert.deepEqual(masked.requestBody, { concertId: 'c-1', userId: 'alice' });
    assert.deepEqual(masked.body, { seats: [{ seatId: 'A1' }] });
    const withToken = exchange({ requestHeaders: { 'x-queue-token': TOKEN } });
    maskExchanges([withToken]);
    assert.equal(withToken.requestHeaders['x-queue-token'], TOKEN);
  });
});
