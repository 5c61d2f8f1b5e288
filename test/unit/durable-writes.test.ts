import { test } from 'node:test';
import assert from 'node:assert/strict';
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import { countReplicas, createReplicaView, durableWritesFromEnv, NotReplicatedError } from '../../reference-system/waiting-room/durable-writes.ts';
import { isRedisUnavailable } from '../../reference-system/waiting-room/cluster-client.ts';

function withEnv(vars: Record<string, string | undefined>, run: () => void) {
  const saved = { ...process.env };
  try {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    run();
  } finally {
    process.env = saved;
  }
}

test('off unless QUEUE_DURABLE_WRITES=1; then one replica within 1 s unless configured', () => {
  withEnv({ QUEUE_DURABLE_WRITES: undefined }, () => assert.equal(durableWritesFromEnv(), undefined));
  withEnv({ QUEUE_DURABLE_WRITES: '0' }, () => assert.equal(durableWritesFromEnv(), undefined));
  withEnv({ QUEUE_DURABLE_WRITES: '1' }, () => assert.deepEqual(durableWritesFromEnv(), { replicas: 1, timeoutMs: 1000 }));
  withEnv({ QUEUE_DURABLE_WRITES: '1', QUEUE_DURABLE_REPLICAS: '2', QUEUE_DURABLE_TIMEOUT_MS: '100' }, () =>
    assert.deepEqual(durableWritesFromEnv(), { replicas: 2, timeoutMs: 100 }),
  );
});

test('a misconfiguration fails at start-up, not at the first fan', () => {
  withEnv({ QUEUE_DURABLE_WRITES: 'yes' }, () => assert.throws(() => durableWritesFromEnv(), /QUEUE_DURABLE_WRITES/));
  withEnv({ QUEUE_DURABLE_WRITES: '1', QUEUE_DURABLE_REPLICAS: '0' }, () => assert.throws(() => durableWritesFromEnv(), /REPLICAS/));
  // Longer than the queue's 1.5 s request deadline allows: the fan would get the deadline's 503.
  withEnv({ QUEUE_DURABLE_WRITES: '1', QUEUE_DURABLE_TIMEOUT_MS: '5000' }, () => assert.throws(() => durableWritesFromEnv(), /TIMEOUT/));
});

test("replica counts come from each master's own CLUSTER NODES, not from the client's slot map", async () => {
  const key = 'queue:{c-1}:policy';
  const slots: string[][] = [];
  // The slot map right after start-up: Redis lists no replica in CLUSTER SLOTS yet.
  slots[calculateSlot(key)] = ['10.0.0.1:6379'];
  let nodesText = 'aaa 10.0.0.1:6379@16379 myself,master - 0 1 1 connected 0-16383\nbbb 10.0.0.2:6379@16379 slave aaa 0 1 1 connected';
  const master = { options: { host: '10.0.0.1', port: 6379 } };
  const redis = { slots, nodes: () => [master] } as unknown as Cluster;
  const asked: string[] = [];
  const view = createReplicaView(redis, { refreshMs: 60_000, clusterNodesOf: async (address) => (asked.push(address), nodesText) });
  try {
    assert.equal(view.known(key), undefined, 'unknown before the master answered: durable writes then wait, never probe');
    assert.equal(await view.loaded(), true);
    assert.equal(view.known(key), 1);
    nodesText = 'bbb 10.0.0.2:6379@16379 myself,master - 0 1 2 connected 0-16383\naaa 10.0.0.1:6379@16379 master,fail - 0 1 1 disconnected';
    assert.equal(await view.fresh(key), 0, 'a promoted replica alone');
    assert.equal(view.known(key), 0);
    assert.deepEqual(new Set(asked), new Set(['10.0.0.1:6379']), 'asked the master of the slot');
  } finally {
    view.stop();
  }
});

test('a write no replica confirmed is "Redis unavailable": the fan gets 503 and retries', () => {
  assert.equal(isRedisUnavailable(new NotReplicatedError(0, 1)), true);
  assert.equal(isRedisUnavailable(new Error("Cluster isn't ready and enableOfflineQueue options is false")), true);
  assert.equal(isRedisUnavailable(new Error('MOVED 825 172.17.0.2:6379')), true);
  // Seen in @chaos runs: a command in flight on the connection to the master that died.
  assert.equal(isRedisUnavailable(new Error('Command aborted due to connection close')), true);
  assert.equal(isRedisUnavailable(new Error('ERR wrong number of arguments')), false);
});

test('replicas of a shard by its master CLUSTER NODES: failed ones do not count, a broken link does', () => {
  const master = (flags: string) => `aaa 192.168.0.3:6379@16379 ${flags} - 0 1 3 connected 10923-16383`;
  const replica = (flags: string, link = 'connected') => `bbb 192.168.0.6:6379@16379 ${flags} aaa 0 1 3 ${link}`;
  const other = 'ccc 192.168.0.2:6379@16379 master - 0 1 2 connected 5461-10922\nddd 192.168.0.4:6379@16379 slave ccc 0 1 2 connected';
  // Replication link down (master_link_status:down) is not a cluster-bus failure: still a replica.
  assert.equal(countReplicas([master('myself,master'), replica('slave'), other].join('\n')), 1);
  assert.equal(countReplicas([master('myself,master'), replica('slave,fail'), other].join('\n')), 0);
  assert.equal(countReplicas([master('myself,master'), replica('slave,fail?'), other].join('\n')), 0);
  // The promoted replica: its old master is a failed master, not its replica.
  assert.equal(countReplicas(['bbb 192.168.0.6:6379@16379 myself,master - 0 1 4 connected 10923-16383', 'aaa 192.168.0.3:6379@16379 master,fail - 0 1 3 disconnected', other].join('\n')), 0);
});
