import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createQueueApp } from '../../reference-system/queue/queue-app.ts';
import type { Logger } from '../../reference-system/shared/logger.ts';
import { redact } from '../../reference-system/shared/logger.ts';
import { createTokenCodec } from '../../reference-system/shared/queue-token.ts';
import { streamLeasesKey } from '../../reference-system/queue/stream-leases.ts';
import { openEventStream, type StreamEvent } from '../../support/http/event-stream.ts';
import { startLuaHarness, TEST_POLICY, type LuaHarness, stopLuaHarness } from '../lua/harness.ts';

const SECRET = 'status-stream-test-secret-0123456789abcdef';
const ADMIN = 'status-stream-test-admin-token';

type Instance = { base: string; server: Server; app: ReturnType<typeof createQueueApp> };

/**
 * GET /api/v1/queue/events on two instances of a real cluster: what a stream pushes and when,
 * its limits, and how it ends. Admission is driven by hand (h.promote), so every push is caused.
 */
describe('status stream', () => {
  let h: LuaHarness;
  const instances: Instance[] = [];
  const logLines: string[] = [];
  const logger: Logger = {
    info: (event, fields) => logLines.push(redact(JSON.stringify({ event, ...fields }))),
    warn: (event, fields) => logLines.push(redact(JSON.stringify({ event, ...fields }))),
    error: (event, fields) => logLines.push(redact(JSON.stringify({ event, ...fields }))),
  };

  const start = async (streams: { limit?: number; heartbeatMs?: number } = {}): Promise<Instance> => {
    const app = createQueueApp({ redis: h.redis, tokens: createTokenCodec(SECRET), logger, adminToken: ADMIN, defaultPolicy: TEST_POLICY, streams });
    const server = app.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const instance = { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, app };
    instances.push(instance);
    return instance;
  };

  before(async () => {
    h = await startLuaHarness();
  });
  after(async () => {
    for (const { server, app } of instances) {
      app.streams.closeAll();
      server.close();
    }
    await stopLuaHarness(h);
  });

  const enter = async (base: string, concertId: string, userId: string) => {
    const res = await fetch(`${base}/api/v1/queue/enter`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ concertId, userId }) });
    return (await res.json()) as { token: string };
  };
  const statusOf = async (base: string, token: string) => {
    const res = await fetch(`${base}/api/v1/queue/status`, { headers: { 'x-queue-token': token } });
    return { status: res.status, body: await res.json() };
  };
  const events = (base: string, token: string, how: 'header' | 'query' = 'header') =>
    how === 'header'
      ? openEventStream(`${base}/api/v1/queue/events`, { headers: { 'x-queue-token': token } })
      : openEventStream(`${base}/api/v1/queue/events?token=${token}`);
  const statusIs = (status: string) => (e: StreamEvent) => e.event === 'status' && JSON.parse(e.data).status === status;

  it('pushes the status at once, READY within a second of admission, then ACTIVE, and ends', async () => {
    const one = await start();
    const two = await start();
    const c = await h.openRoom({ paused: true });
    const { token } = await enter(one.base, c, 'ann');
    const stream = await events(one.base, token, 'query');
    assert.equal(stream.status, 200);
    assert.match(stream.headers['content-type'], /^text\/event-stream/);
    const first = await stream.next(() => true, { what: 'a first event' });
    assert.equal(first.event, 'status');
    assert.deepEqual(JSON.parse(first.data), (await statusOf(one.base, token)).body);
    assert.equal(stream.retryMs, 3000);

    await h.setPolicy(c, { paused: '0' });
    const admittedAt = performance.now();
    await h.promote(c);
    const ready = await stream.next(statusIs('READY'), { what: 'READY' });
    assert.ok(ready.at - admittedAt < 1000, `READY pushed ${Math.round(ready.at - admittedAt)} ms after admission`);

    // Started on the other instance: this one still hears of it, and ends the stream after it.
    const activated = await fetch(`${two.base}/api/v1/queue/activate`, { method: 'POST', headers: { 'x-queue-token': token } });
    assert.equal(activated.status, 200);
    await stream.next(statusIs('ACTIVE'), { what: 'ACTIVE' });
    assert.ok(await stream.ends(2000), 'the stream ended after ACTIVE');
    assert.deepEqual(stream.events.map((e) => JSON.parse(e.data).status), ['WAITING', 'READY', 'ACTIVE']);
    assert.ok(!logLines.join('\n').includes(token.split('.')[2]), 'the token reached the log');
  });

  it('pushes position changes, at most once a second', async () => {
    const one = instances[0];
    const c = await h.openRoom({ paused: true });
    const fans = await Promise.all(Array.from({ length: 4 }, (_, i) => enter(one.base, c, `fan-${i}`)));
    const stream = await events(one.base, fans[3].token);
    await stream.next(() => true, { what: 'a first event' });
    await h.setPolicy(c, { paused: '0' });
    for (let i = 0; i < 3; i++) {
      await h.promote(c, { budget: 1 });
      await stream.next((e) => JSON.parse(e.data).position === 3 - i, { what: `position ${3 - i}`, timeoutMs: 5000 });
    }
    const gaps = stream.events.slice(1).map((e, i) => e.at - stream.events[i].at);
    assert.ok(gaps.slice(1).every((gap) => gap >= 990), `position pushes ${gaps.map(Math.round).join(', ')} ms apart`);
    stream.close();
  });

  it('refuses as GET /status does before the stream starts', async () => {
    const one = instances[0];
    const missing = await openEventStream(`${one.base}/api/v1/queue/events`);
    assert.deepEqual([missing.status, (missing.body as { error: { code: string } }).error.code], [401, 'TOKEN_MISSING']);
    const forged = await events(one.base, 'v1.bm90LWEtdG9rZW4.c2lnbmF0dXJlLXRoYXQtaXMtbm90LXJlYWw', 'query');
    assert.deepEqual([forged.status, (forged.body as { error: { code: string } }).error.code], [401, 'TOKEN_INVALID']);
    const c = await h.openRoom();
    const { token } = await enter(one.base, c, 'gone');
    await fetch(`${one.base}/api/v1/queue/token`, { method: 'DELETE', headers: { 'x-queue-token': token } });
    const expired = await events(one.base, token);
    assert.deepEqual([expired.status, (expired.body as { error: { code: string } }).error.code], [410, 'TOKEN_EXPIRED']);
  });

  it('refuses a third stream of one entry across instances, and lets one in once another closes', async () => {
    const [one, two] = instances;
    const c = await h.openRoom({ paused: true });
    const { token } = await enter(one.base, c, 'bea');
    const a = await events(one.base, token);
    const b = await events(two.base, token);
    const third = await events(one.base, token);
    assert.deepEqual([a.status, b.status, third.status], [200, 200, 429]);
    assert.equal((third.body as { error: { code: string } }).error.code, 'RATE_LIMITED');
    assert.ok(Number(third.headers['retry-after']) > 0);
    b.close();
    const entryId = Buffer.from(token.split('.')[1], 'base64url').toString().split('|')[2];
    const deadline = performance.now() + 5000;
    while ((await h.redis.zcard(streamLeasesKey(c, entryId))) > 1 && performance.now() < deadline) await new Promise((r) => setImmediate(r));
    const again = await events(two.base, token);
    assert.equal(again.status, 200);
    a.close();
    again.close();
  });

  it('refuses streams beyond the instance limit with 503 and Retry-After, and sends heartbeats', async () => {
    const small = await start({ limit: 1, heartbeatMs: 400 });
    const c = await h.openRoom({ paused: true });
    const ann = await enter(small.base, c, 'ann');
    const ben = await enter(small.base, c, 'ben');
    const first = await events(small.base, ann.token);
    const refused = await events(small.base, ben.token);
    assert.deepEqual([first.status, refused.status, (refused.body as { error: { code: string } }).error.code], [200, 503, 'SERVICE_UNAVAILABLE']);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    const deadline = performance.now() + 3000;
    while (first.comments.length < 2 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(first.comments.length >= 2, 'heartbeats arrived');
    const metrics = await (await fetch(`${small.base}/metrics`)).text();
    assert.match(metrics, /queue_streams_open\{[^}]*\} 1/);
    assert.match(metrics, /queue_streams_refused_total\{[^}]*reason="instance_limit"[^}]*\} 1/);
    first.close();
  });

  it('ends every stream at shutdown, so the server closes at once', async () => {
    const leaving = await start();
    const c = await h.openRoom({ paused: true });
    const { token } = await enter(leaving.base, c, 'cat');
    const stream = await events(leaving.base, token);
    await stream.next(() => true, { what: 'a first event' });
    const closed = new Promise((r) => leaving.server.close(r));
    const started = performance.now();
    leaving.app.streams.closeAll();
    await closed;
    assert.ok(performance.now() - started < 1000, `closed in ${Math.round(performance.now() - started)} ms`);
    assert.ok(await stream.ends(1000));
  });
});
