import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Cluster } from 'ioredis';
import type { Context } from 'koa';
import { createCoreApp } from '../../reference-system/core/core-app.ts';
import { createPool } from '../../reference-system/core/database.ts';
import { createPaymentGatewayClient } from '../../reference-system/core/payment-gateway-client.ts';
import { ApiError } from '../../reference-system/shared/errors.ts';
import { requireToken, type QueueAccess } from '../../reference-system/waiting-room/turn-access.ts';
import { defaultQueuePolicy } from '../../reference-system/waiting-room/policy.ts';
import { createTokenCodec } from '../../reference-system/shared/queue-token.ts';
import { newConcert, quietLogger, startDatabase, startGateway } from './helpers.ts';

const tokens = createTokenCodec('a-test-secret-of-at-least-32-characters!');
/** Tokens are real and signed; every entry counts as ACTIVE (the queue's state is tested end to end). */
const queueAccess: QueueAccess = {
  async requireActive(ctx: Context, concertId?: string) {
    const claims = requireToken(ctx, tokens);
    if (concertId !== undefined && claims.concertId !== concertId) throw new ApiError(403, 'TOKEN_WRONG_CONCERT', 'other concert');
    return claims;
  },
  async complete() {},
};

let db: Awaited<ReturnType<typeof startDatabase>>;
let gateway: Awaited<ReturnType<typeof startGateway>>;
const servers: Server[] = [];
const redis = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });

function listen(pool: ReturnType<typeof createPool>): Promise<string> {
  const { app } = createCoreApp({
    redis,
    pool,
    logger: quietLogger,
    adminToken: 'admin-token-for-tests',
    defaultPolicy: defaultQueuePolicy(),
    tokens,
    gateway: createPaymentGatewayClient({ baseUrl: gateway.url, timeoutMs: 1000 }),
    settings: { paymentTimeoutMs: 1000, reconcileWindowMs: 10_000 },
    queueAccess,
    holdPolicy: { holdSeconds: async () => 300 },
  });
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    servers.push(server);
  });
}

let core: string;
before(async () => {
  [db, gateway] = await Promise.all([startDatabase(), startGateway()]);
  core = await listen(db.pool);
});
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  redis.disconnect();
  await gateway?.stop();
  await db?.stop();
});

async function call(base: string, method: string, path: string, options: { token?: string; headers?: Record<string, string>; body?: unknown; raw?: string } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['x-queue-token'] = options.token;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, body: json && text ? JSON.parse(text) : undefined, text };
}

const tokenFor = (concertId: string, userId = 'alice') => tokens.sign({ concertId, userId, entryId: 'entry-1' });
/** The value of the first sample of `name` carrying every given label, or NaN. */
function sampleOf(text: string, name: string, ...labels: string[]): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}
const reservationCount = async (concertId: string) =>
  (await db.pool.query(`SELECT count(*)::int AS n FROM reservations WHERE concert_id = $1`, [concertId])).rows[0].n;

describe('bad input is 400 VALIDATION_FAILED and changes nothing', () => {
  const badReservations: [string, unknown][] = [
    ['no seatId', { concertId: 'CID' }],
    ['seatId not a string', { concertId: 'CID', seatId: 7 }],
    ['seatId with forbidden characters', { concertId: 'CID', seatId: 'A1; DROP TABLE seats' }],
    ['seatId too long', { concertId: 'CID', seatId: 'A'.repeat(65) }],
    ['body an array', ['CID', 'A1']],
  ];
  for (const [what, body] of badReservations) {
    test(`reserving with ${what}`, async () => {
      const concertId = await newConcert(db.pool);
      const withConcert = JSON.parse(JSON.stringify(body).replaceAll('CID', concertId));
      const res = await call(core, 'POST', '/api/v1/reservations', { token: tokenFor(concertId), body: withConcert });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.equal(await reservationCount(concertId), 0);
    });
  }

  test('reserving with a malformed JSON body', async () => {
    const concertId = await newConcert(db.pool);
    const res = await call(core, 'POST', '/api/v1/reservations', { token: tokenFor(concertId), raw: '{"concertId": ' });
    assert.equal(res.status, 400);
    assert.equal(await reservationCount(concertId), 0);
  });

  test('paying without an Idempotency-Key, or with a non-string reservationId', async () => {
    const concertId = await newConcert(db.pool);
    const token = tokenFor(concertId);
    const held = await call(core, 'POST', '/api/v1/reservations', { token, body: { concertId, seatId: 'A1' } });
    assert.equal(held.status, 201);
    const missingKey = await call(core, 'POST', '/api/v1/payments', { token, body: { reservationId: held.body.reservationId } });
    assert.equal(missingKey.status, 400);
    assert.match(missingKey.body.error.message, /Idempotency-Key/);
    const badKey = await call(core, 'POST', '/api/v1/payments', { token, headers: { 'idempotency-key': 'has spaces' }, body: { reservationId: held.body.reservationId } });
    assert.equal(badKey.status, 400);
    const badBody = await call(core, 'POST', '/api/v1/payments', { token, headers: { 'idempotency-key': 'k1' }, body: { reservationId: 42 } });
    assert.equal(badBody.status, 400);
    assert.equal((await db.pool.query(`SELECT count(*)::int AS n FROM payments WHERE concert_id = $1`, [concertId])).rows[0].n, 0);
    assert.equal(gateway.book.seen(`${concertId}/`).charges.length, 0);
  });
});

describe('the API surface', () => {
  test('lists seats with prices and derived status; a client-sent amount is ignored', async () => {
    const concertId = await newConcert(db.pool, 12, 9_900);
    const token = tokenFor(concertId);
    const held = await call(core, 'POST', '/api/v1/reservations', { token, body: { concertId, seatId: 'B2', amount: 1 } });
    assert.equal(held.status, 201);
    assert.equal(held.body.amount, 9_900);
    const again = await call(core, 'POST', '/api/v1/reservations', { token, body: { concertId, seatId: 'B2' } });
    assert.equal(again.status, 200);
    assert.equal(again.body.reservationId, held.body.reservationId);
    const seats = await call(core, 'GET', `/api/v1/concerts/${concertId}/seats`, { token });
    assert.equal(seats.status, 200);
    assert.equal(seats.body.seats.length, 12);
    assert.deepEqual(seats.body.seats[11], { seatId: 'B2', label: 'B2', price: 9_900, status: 'HELD' });
    const read = await call(core, 'GET', `/api/v1/reservations/${held.body.reservationId}`, { token });
    assert.deepEqual(read.body, held.body);
  });

  test("another user's reservation and a malformed id are both 404 RESERVATION_NOT_FOUND", async () => {
    const concertId = await newConcert(db.pool);
    const held = await call(core, 'POST', '/api/v1/reservations', { token: tokenFor(concertId), body: { concertId, seatId: 'A1' } });
    for (const id of [held.body.reservationId, 'not-a-uuid']) {
      const res = await call(core, 'GET', `/api/v1/reservations/${id}`, { token: tokenFor(concertId, 'bob') });
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'RESERVATION_NOT_FOUND');
    }
  });

  test('an unknown concert is 404 CONCERT_NOT_FOUND; a token of another concert is 403', async () => {
    assert.equal((await call(core, 'GET', '/api/v1/concerts/nope/seats', { token: tokenFor('nope') })).body.error.code, 'CONCERT_NOT_FOUND');
    const concertId = await newConcert(db.pool);
    const res = await call(core, 'POST', '/api/v1/reservations', { token: tokenFor('other'), body: { concertId, seatId: 'A1' } });
    assert.equal(res.status, 403);
    assert.equal(await reservationCount(concertId), 0);
  });

  test('metrics show holds and payments by outcome', async () => {
    const concertId = await newConcert(db.pool);
    const token = tokenFor(concertId);
    const held = await call(core, 'POST', '/api/v1/reservations', { token, body: { concertId, seatId: 'A1' } });
    const paid = await call(core, 'POST', '/api/v1/payments', { token, headers: { 'idempotency-key': 'm1' }, body: { reservationId: held.body.reservationId } });
    assert.equal(paid.status, 201);
    const metrics = (await call(core, 'GET', '/metrics')).text;
    assert.ok(sampleOf(metrics, 'core_holds_total', 'outcome="created"') >= 1);
    assert.ok(sampleOf(metrics, 'core_payments_total', 'outcome="completed"') >= 1);
    assert.ok(sampleOf(metrics, 'core_holds_active') >= 0);
    assert.ok(sampleOf(metrics, 'core_payment_gateway_duration_seconds_count', 'operation="charge"', 'outcome="approved"') >= 1);
  });
});

describe('when PostgreSQL is unavailable', () => {
  test('booking calls answer 503 SERVICE_UNAVAILABLE, not 500', async () => {
    const down = createPool({ connectionString: 'postgres://tickets:tickets@127.0.0.1:1/tickets', max: 2 });
    const base = await listen(down);
    const token = tokenFor('any');
    for (const res of [
      await call(base, 'GET', '/api/v1/concerts/any/seats', { token }),
      await call(base, 'POST', '/api/v1/reservations', { token, body: { concertId: 'any', seatId: 'A1' } }),
      await call(base, 'POST', '/api/v1/payments', { token, headers: { 'idempotency-key': 'k' }, body: { reservationId: '00000000-0000-4000-8000-000000000000' } }),
    ]) {
      assert.equal(res.status, 503, res.text);
      assert.equal(res.body.error.code, 'SERVICE_UNAVAILABLE');
    }
    await down.end();
  });
});
