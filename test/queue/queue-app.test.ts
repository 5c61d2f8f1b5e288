import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createQueueApp } from '../../reference-system/queue/queue-app.ts';
import type { Logger } from '../../reference-system/shared/logger.ts';
import { redact } from '../../reference-system/shared/logger.ts';
import { createTokenCodec } from '../../reference-system/shared/queue-token.ts';
import { eventually } from '../../support/polling.ts';
import { startLuaHarness, TEST_POLICY, type LuaHarness, stopLuaHarness } from '../lua/harness.ts';

const SECRET = 'queue-app-test-secret-0123456789abcdef';
const ADMIN = 'queue-app-test-admin-token';

/** The queue service over HTTP on a real cluster: what only a running app can show. */
describe('queue service app', () => {
  let h: LuaHarness;
  let server: Server;
  let base: string;
  let stopPromoter: (() => Promise<void>) | undefined;
  const logLines: string[] = [];
  const logger: Logger = {
    info: (event, fields) => logLines.push(redact(JSON.stringify({ event, ...fields }))),
    warn: (event, fields) => logLines.push(redact(JSON.stringify({ event, ...fields }))),
    error: (event, fields) => logLines.push(redact(JSON.stringify({ event, ...fields }))),
  };

  before(async () => {
    h = await startLuaHarness();
    const { app, promoter } = createQueueApp({
      redis: h.redis,
      tokens: createTokenCodec(SECRET),
      logger,
      adminToken: ADMIN,
      defaultPolicy: TEST_POLICY,
      promoter: { intervalMs: 100, batch: 200, rateWindowMs: 500 },
    });
    stopPromoter = promoter?.stop;
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await stopPromoter?.();
    server?.close();
    await stopLuaHarness(h);
  });

  const call = async (method: string, path: string, options: { token?: string; admin?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.token) headers['x-queue-token'] = options.token;
    if (options.admin) headers.authorization = `Bearer ${options.admin}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };

  it('is live, and ready while the cluster serves every slot', async () => {
    assert.equal((await call('GET', '/health/live')).status, 200);
    const ready = await call('GET', '/health/ready');
    assert.deepEqual([ready.status, ready.body.checks.redis], [200, 'UP']);
  });

  it('exports room metrics from Redis and the enter-to-READY latency it observed', async () => {
    const c = await h.openRoom({ activeLimit: 1 });
    const ann = await call('POST', '/api/v1/queue/enter', { body: { concertId: c, userId: 'ann' } });
    const ben = await call('POST', '/api/v1/queue/enter', { body: { concertId: c, userId: 'ben' } });
    await eventually(() => call('GET', '/api/v1/queue/status', { token: ann.body.token }), (r) => r.body.status === 'READY', { what: 'ann admitted' });
    assert.equal((await call('DELETE', '/api/v1/queue/token', { token: ben.body.token })).status, 204);
    const metrics = String((await call('GET', '/metrics')).body);
    /** The value of the series `name` whose labels include `labels` (label order varies). */
    const value = (name: string, labels: Record<string, string> = {}) => {
      const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    const concert = c;
    assert.equal(value('queue_entries_total', { concert }), 2);
    assert.equal(value('queue_exits_total', { concert, reason: 'exited' }), 1);
    assert.equal(value('queue_exits_total', { concert, reason: 'expired' }), 0);
    assert.equal(value('queue_exits_total', { concert, reason: 'completed' }), 0);
    assert.equal(value('queue_admissions_total', { concert }), 1);
    assert.equal(value('queue_users', { concert, state: 'ready' }), 1);
    assert.equal(value('queue_users', { concert, state: 'waiting' }), 0);
    assert.equal(value('queue_active_limit', { concert }), 1);
    assert.equal(value('queue_enter_to_ready_seconds_count', { concert }), 1);
    assert.ok(value('queue_promoter_step_seconds_count') >= 1);
    assert.equal(value('http_request_duration_seconds_count', { route: '/api/v1/queue/enter', status: '201' }), 2);
  });
  it('never writes a token, the token secret or the admin token to its log', async () => {
    const c = await h.openRoom({ activeLimit: 1 });
    const { body } = await call('POST', '/api/v1/queue/enter', { body: { concertId: c, userId: 'logged' } });
    await eventually(() => call('GET', '/api/v1/queue/status', { token: body.token }), (r) => r.body.status === 'READY', { what: 'admission' });
    await call('POST', '/api/v1/queue/activate', { token: body.token });
    await call('GET', '/api/v1/queue/status', { token: `${body.token}x` });
    await call('PUT', `/admin/concerts/${c}/queue-policy`, { admin: ADMIN, body: { activeLimit: 3 } });
    await call('PUT', `/admin/concerts/${c}/queue-policy`, { admin: `${ADMIN}-wrong`, body: { activeLimit: 3 } });
    assert.ok(logLines.some((l) => l.includes('"promoted"')), 'the promoter logged its work');
    const log = logLines.join('\n');
    for (const secret of [body.token, body.token.split('.')[2], SECRET, ADMIN]) assert.ok(!log.includes(secret), 'a secret reached the log');
  });
});
