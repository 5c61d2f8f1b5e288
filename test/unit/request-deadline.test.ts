import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createHttpApp } from '../../reference-system/shared/http-app.ts';
import { createMetrics } from '../../reference-system/shared/metrics.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function withApp(deadlineMs: number, run: (url: string) => Promise<void>) {
  const metrics = createMetrics('test');
  // A scrape that takes longer than the deadline, as one reading every open room of a loaded instance does.
  metrics.gauge('slow_to_collect', 'collected after 300 ms', [], async function () {
    await new Promise((r) => setTimeout(r, 300));
    this.set(1);
  });
  const readiness = [{ name: 'slow dependency', check: () => new Promise((r) => setTimeout(r, 300)) }];
  const { router, finish } = createHttpApp({ logger: silent, metrics, readiness, requestDeadlineMs: deadlineMs });
  router.get('/slow', async (ctx) => {
    await new Promise((r) => setTimeout(r, 1000));
    ctx.body = { late: true };
  });
  router.get('/fast', (ctx) => {
    ctx.body = { fast: true };
  });
  const server = finish().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

test('a request still running at the deadline is answered 503 SERVICE_UNAVAILABLE with Retry-After, on time', async () => {
  await withApp(150, async (url) => {
    const started = performance.now();
    const res = await fetch(`${url}/slow`);
    const took = performance.now() - started;
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'SERVICE_UNAVAILABLE');
    assert.ok(took < 800, `answered after ${took} ms`);
  });
});

test('requests within the deadline are untouched', async () => {
  await withApp(150, async (url) => {
    const res = await fetch(`${url}/fast`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { fast: true });
  });
});

test('health and metrics are outside the deadline: a slow scrape or readiness check is answered, not 503', async () => {
  await withApp(150, async (url) => {
    const scrape = await fetch(`${url}/metrics`);
    assert.equal(scrape.status, 200);
    assert.match(await scrape.text(), /^slow_to_collect\{service="test"\} 1$/m);
    const ready = await fetch(`${url}/health/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'UP', checks: { 'slow dependency': 'UP' } });
  });
});
