import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { startManagedTarget, type ManagedTarget } from '../../environment/managed-target.ts';
import { runTeardowns } from '../../environment/teardown.ts';
import { eventually } from '../../support/polling.ts';

// The fault-injection server @chaos scenarios rely on, against the real containers and services.
let target: ManagedTarget;
let infra: (method: string, path: string, body?: unknown, token?: string) => Promise<{ status: number; body: any }>;

before(async () => {
  target = await startManagedTarget(() => undefined, path.resolve(import.meta.dirname, '../../reports/logs/fault-server-test'));
  infra = async (method, p, body, token = target.env.E2E_INFRA_TOKEN) => {
    const res = await request(`${target.env.E2E_INFRA_URL}${p}`, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  };
});

after(async () => {
  await runTeardowns();
});

const live = async (url: string) => {
  try {
    return (await request(`${url}/health/live`, { headersTimeout: 1000 })).statusCode;
  } catch {
    return 0;
  }
};

test('listens on 127.0.0.1 only and refuses calls without the token', async () => {
  assert.match(target.env.E2E_INFRA_URL, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await infra('GET', '/state', undefined, '')).status, 401);
  assert.equal((await infra('GET', '/state', undefined, 'not-the-token')).status, 401);
  assert.equal((await infra('GET', '/state')).status, 200);
});

test('rejects unknown operations and instances without doing anything', async () => {
  assert.equal((await infra('POST', '/queue-instances/9/kill')).status, 404);
  assert.equal((await infra('POST', '/redis/kill-owner', { key: 42 })).status, 400);
  assert.equal((await infra('GET', '/redis/kill-owner')).status, 405);
  assert.equal((await infra('POST', '/nothing')).status, 404);
  const state = await infra('GET', '/state');
  assert.deepEqual(state.body.redisNodesDown, []);
  assert.ok(state.body.queueInstances.every((q: { running: boolean }) => q.running));
});

test('kills a queue instance and starts it again on the same port', async () => {
  const url = target.env.E2E_QUEUE_URLS.split(',')[1];
  assert.equal((await infra('POST', '/queue-instances/2/kill')).status, 200);
  assert.equal(await live(url), 0);
  assert.equal((await infra('GET', '/state')).body.queueInstances[1].running, false);
  assert.equal((await infra('POST', '/queue-instances/2/start')).status, 200);
  assert.equal(await live(url), 200);
});

test('kills the Redis master of a key; its replica takes over; restore brings the cluster back whole', async () => {
  const key = '{infra-test}';
  const before = (await infra('POST', '/redis/owner', { key })).body;
  const killed = await infra('POST', '/redis/kill-owner', { key });
  assert.equal(killed.status, 200);
  assert.equal(killed.body.node, before.node);
  assert.deepEqual((await infra('GET', '/state')).body.redisNodesDown, [before.node]);
  assert.equal((await infra('POST', '/redis/kill-owner', { key })).status, 409, 'a master already down cannot be killed twice');
  const promoted = await eventually(
    () => infra('POST', '/redis/owner', { key }),
    (res) => res.status === 200 && res.body.node !== before.node && !res.body.failing,
    { what: 'a replica to take over the slot', timeoutMs: 30_000, intervalMs: 250 },
  );
  assert.equal(promoted.body.slot, before.slot);
  assert.equal((await infra('POST', '/redis/restore')).status, 200);
  assert.deepEqual((await infra('GET', '/state')).body.redisNodesDown, []);
  assert.equal((await infra('POST', '/restore')).status, 200, 'every service ready on the restored cluster');
});

test("silences the replica of a key's master: the master's WAIT for it comes back short until restore, and the cluster still counts it", async () => {
  const key = '{infra-replica-test}';
  const silenced = await infra('POST', '/redis/silence-replica', { key });
  assert.equal(silenced.status, 200, JSON.stringify(silenced.body));
  assert.deepEqual((await infra('GET', '/state')).body.redisReplicasSilenced, [silenced.body.replica]);
  // The master, found among the nodes by its id (the answer names it).
  const nodes = target.info.redisNodes.split(',').map((address) => new Redis({ host: address.split(':')[0], port: Number(address.split(':')[1]), lazyConnect: true }));
  try {
    let master: Redis | undefined;
    for (const node of nodes) if ((await node.call('CLUSTER', 'MYID')) === silenced.body.nodeId) master = node;
    assert.ok(master, `no node has id ${silenced.body.nodeId}`);
    await master.set(key, 'written');
    assert.equal(await master.call('WAIT', 1, 300), 0, 'the silenced replica confirmed a write');
    const replicaLine = String(await master.call('CLUSTER', 'NODES')).split('\n').find((line) => line.split(' ')[3] === silenced.body.nodeId);
    assert.ok(replicaLine && !replicaLine.split(' ')[2].includes('fail'), `the master no longer counts its replica healthy: ${replicaLine}`);
    assert.equal((await infra('POST', '/restore')).status, 200);
    assert.deepEqual((await infra('GET', '/state')).body.redisReplicasSilenced, []);
    await master.set(key, 'again');
    assert.equal(await master.call('WAIT', 1, 5000), 1, 'the replica confirms again after restore');
  } finally {
    for (const node of nodes) node.disconnect();
  }
});

test('restarts PostgreSQL on the same port; the core service becomes ready again by itself', async () => {
  const res = await infra('POST', '/postgres/restart');
  assert.equal(res.status, 200);
  await eventually(
    async () => (await request(`${target.env.E2E_CORE_URL}/health/ready`)).statusCode,
    (status) => status === 200,
    { what: 'core to be ready after the restart', timeoutMs: 15_000 },
  );
});

test('cuts a master off from its replica, both staying up; restore lets the replica in again', async () => {
  const key = '{infra-cut-test}';
  const cut = await infra('POST', '/redis/cut-replication', { key });
  assert.equal(cut.status, 200);
  assert.deepEqual((await infra('GET', '/state')).body.redisReplicasCutOff, [cut.body.replica]);
  assert.deepEqual((await infra('GET', '/state')).body.redisNodesDown, [], 'nothing was killed');
  assert.equal((await infra('POST', '/restore')).status, 200, 'the cluster is whole again: every replica linked to its master');
  assert.deepEqual((await infra('GET', '/state')).body.redisReplicasCutOff, []);
});

test('stops the promoters tending one concert, and restore puts it back', async () => {
  assert.equal((await infra('POST', '/promoters/stall', { concertId: 'no-such-concert' })).status, 404, 'a concert without a waiting room cannot be stalled');
  const admin = { authorization: `Bearer ${target.env.E2E_ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const concertId = `stall-${Date.now()}`;
  const created = await request(`${target.env.E2E_CORE_URL}/admin/concerts`, { method: 'POST', headers: admin, body: JSON.stringify({ concertId, name: 'stall', seatCount: 1, price: 1 }) });
  assert.equal(created.statusCode, 201);
  await created.body.text();
  assert.equal((await infra('POST', '/promoters/stall', { concertId })).status, 200);
  assert.deepEqual((await infra('GET', '/state')).body.promotersStalled, [concertId]);
  assert.equal((await infra('POST', '/restore')).status, 200);
  assert.deepEqual((await infra('GET', '/state')).body.promotersStalled, []);
});
