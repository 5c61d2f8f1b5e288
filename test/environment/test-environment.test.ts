import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster } from 'ioredis';
import pg from 'pg';
import {
  applyTestcontainersDefaults,
  assertContainerRuntime,
  startTestEnvironment,
  type TestEnvironment,
} from '../../environment/test-environment.ts';

// Integration test of the environment module itself: what every scenario relies on.
let environment: TestEnvironment;
let client: Cluster;

before(async () => {
  applyTestcontainersDefaults();
  await assertContainerRuntime();
  environment = await startTestEnvironment();
  client = environment.redis.createClient();
});

after(async () => {
  client?.disconnect();
  await environment?.stop();
});

test('the Redis Cluster has 3 masters and 3 replicas, all known to every node', async () => {
  assert.deepEqual(await environment.redis.layout(), { masters: 3, replicas: 3, nodes: 6 });
  for (const node of environment.redis.nodes) {
    const direct = environment.redis.connectNode(node);
    await direct.connect();
    const info = String(await direct.call('CLUSTER', 'INFO'));
    direct.disconnect();
    assert.match(info, /cluster_state:ok/);
    assert.match(info, /cluster_known_nodes:6/);
  }
});

test('every master owns slots and has exactly one replica', async () => {
  const shards = (await client.call('CLUSTER', 'SHARDS')) as unknown[];
  assert.equal(shards.length, 3);
});

test('a multi-key command across slots is rejected (CROSSSLOT)', async () => {
  await assert.rejects(client.mget('user:1', 'user:2', 'user:3', 'user:4'), /CROSSSLOT/);
});

test('a Lua script over hash-tagged keys of one concert runs', async () => {
  const script = "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return redis.call('MGET', KEYS[1], KEYS[2])";
  const result = await client.eval(script, 2, 'queue:{c-42}:a', 'queue:{c-42}:b', 'v');
  assert.deepEqual(result, ['v', 'v']);
});

test('a Lua script over keys of different slots is rejected', async () => {
  await assert.rejects(client.eval("return redis.call('GET', KEYS[2])", 2, 'queue:{c-1}:a', 'queue:{c-2}:a'), /CROSSSLOT/);
});

test('PostgreSQL 15 accepts connections', async () => {
  assert.match(environment.info.postgresVersion, /^15\./);
  const pool = new pg.Pool({ connectionString: environment.info.databaseUrl });
  try {
    const { rows } = await pool.query('SELECT 1 AS one');
    assert.equal(rows[0].one, 1);
  } finally {
    await pool.end();
  }
});

test('the containers run the configured images', () => {
  assert.equal(environment.info.redisImage, process.env.E2E_REDIS_IMAGE || 'redis:7.2-alpine');
  assert.equal(environment.info.postgresImage, process.env.E2E_POSTGRES_IMAGE || 'postgres:15-alpine');
});
