/**
 * `npm run measure:failover-loss [-- ROUNDS]`: how many acknowledged queue entries a Redis
 * master failure loses, with and without durable writes (QUEUE_DURABLE_WRITES).
 *
 * For each mode it starts the reference system on one Redis Cluster and, per round: opens a
 * concert (admission paused, so entries stay put), lets fans enter through both queue instances
 * as fast as they are answered, fails the master of the concert's slot, keeps entering until a
 * replica is promoted and serving, starts the old master again, and then asks for every
 * acknowledged fan's status: 410 means an entry the fan was promised is gone. Writes
 * reports/failover-loss.json and prints a table.
 *
 * Two faults: `crash` (docker kill while replication is healthy: the replica is at most
 * microseconds behind, so little or nothing can be lost) and `crash after link loss` (the
 * replication link breaks and cannot be re-established — here: the master drops it and the
 * replica's reconnects fail authentication — the master goes on alone for 500 ms, then dies,
 * and the replica is promoted: whatever the master acknowledged in those 500 ms existed only on
 * it. That is the case asynchronous replication cannot cover, and durable writes must).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { Redis } from 'ioredis';
import type { RedisNode } from '../environment/redis-cluster.ts';
import { applyTestcontainersDefaults, assertContainerRuntime, startTestEnvironment } from '../environment/test-environment.ts';
import { startReferenceSystem } from '../environment/reference-system.ts';
import { runTeardowns } from '../environment/teardown.ts';
import { startQueueTraffic } from '../support/chaos/queue-traffic.ts';
import { eventually } from '../support/polling.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const rounds = Number(process.argv[2] ?? process.env.FAILOVER_ROUNDS ?? 5);
const log = (line: string) => console.error(`[failover-loss ${new Date().toISOString().slice(11, 19)}] ${line}`);

type Round = { mode: string; fault: string; round: number; acknowledged: number; lost: number; acksPerSecondBeforeFault: number; takeoverMs: number };

async function json(method: string, url: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await request(url, {
    method: method as 'GET',
    headers: { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
}

process.on('SIGINT', () => void runTeardowns().then(() => process.exit(130)));
process.on('SIGTERM', () => void runTeardowns().then(() => process.exit(143)));

async function onNode<T>(node: RedisNode, work: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ ...node.external, maxRetriesPerRequest: 1 });
  try {
    return await work(client);
  } finally {
    client.disconnect();
  }
}

const results: Round[] = [];
let exitCode = 0;
try {
  applyTestcontainersDefaults();
  await assertContainerRuntime();
  const environment = await startTestEnvironment(log);
  for (const durable of ['0', '1']) {
    const mode = durable === '1' ? 'durable writes' : 'asynchronous replication';
    log(`mode: ${mode}`);
    const system = await startReferenceSystem({
      environment: environment.info,
      logDir: path.join(ROOT, 'reports', 'logs', `failover-loss-durable-${durable}`),
      extraEnv: { QUEUE_DURABLE_WRITES: durable },
    });
    const { coreUrl, queueUrls, adminToken } = system.endpoints;
    const admin = { authorization: `Bearer ${adminToken}` };
    const runs = ['crash', 'crash after link loss'].flatMap((fault) => Array.from({ length: rounds }, (_, i) => ({ fault, round: i + 1 })));
    for (const { fault, round } of runs) {
      const concertId = `loss-${durable}-${round}-${Date.now()}`;
      const created = await json('POST', `${coreUrl}/admin/concerts`, admin, { concertId, name: 'loss', seatCount: 1, price: 1 });
      if (created.status !== 201) throw new Error(`creating the concert answered ${created.status}`);
      await json('POST', `${queueUrls[0]}/admin/concerts/${concertId}/queue/pause`, admin);

      const traffic = startQueueTraffic({ queueUrls, concertId, userPrefix: concertId, enterLoops: 16, pollLoops: 0 });
      const started = Date.now();
      await eventually(async () => traffic.acknowledged.length, (n) => n >= 200, { what: 'entries before the fault', timeoutMs: 30_000 });
      const acksPerSecondBeforeFault = Math.round((traffic.acknowledged.length * 1000) / (Date.now() - started));

      const owner = await environment.redis.ownerOf(`{${concertId}}`);
      const replica = fault === 'crash after link loss' ? await environment.redis.replicaOf(owner.nodeId) : undefined;
      if (replica) {
        await onNode(replica, (c) => c.call('CONFIG', 'SET', 'masterauth', 'not-the-password'));
        await onNode(owner.node, (c) => c.call('CLIENT', 'KILL', 'TYPE', 'replica'));
        // The fault itself: for 500 ms the master is on its own, with no replica to copy to.
        await new Promise((r) => setTimeout(r, 500));
      }
      const killedAt = Date.now();
      await environment.redis.kill(owner.node);
      if (replica) await onNode(replica, (c) => c.call('CONFIG', 'SET', 'masterauth', ''));
      await eventually(
        () => environment.redis.ownerOf(`{${concertId}}`),
        (o) => o.node !== owner.node && !o.failing,
        { what: 'a replica to take over', timeoutMs: 30_000, intervalMs: 100 },
      );
      const takeoverMs = Date.now() - killedAt;
      const acksAtTakeover = traffic.acknowledged.length;
      await eventually(async () => traffic.acknowledged.length, (n) => n >= acksAtTakeover + 100, { what: 'entries after the takeover', timeoutMs: 30_000 });
      await traffic.stop();
      await environment.redis.restore(60_000);
      await system.waitUntilReady(30_000);

      let lost = 0;
      for (const fan of traffic.acknowledged) {
        const res = await json('GET', `${queueUrls[0]}/api/v1/queue/status`, { 'x-queue-token': fan.token });
        if (res.status === 410) lost++;
        else if (res.status !== 200) throw new Error(`status of ${fan.userId} answered ${res.status}`);
      }
      const result = { mode, fault, round, acknowledged: traffic.acknowledged.length, lost, acksPerSecondBeforeFault, takeoverMs };
      results.push(result);
      log(JSON.stringify(result));
    }
    await system.stop();
  }
} catch (error) {
  console.error((error as Error).stack);
  exitCode = 1;
} finally {
  await runTeardowns();
}

mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
writeFileSync(path.join(ROOT, 'reports', 'failover-loss.json'), JSON.stringify({ rounds, results }, null, 2));
console.log('mode                      | fault                 | rounds | acknowledged | lost | acks/s before fault (median)');
for (const key of [...new Set(results.map((r) => `${r.mode}|${r.fault}`))]) {
  const [mode, fault] = key.split('|');
  const rs = results.filter((r) => r.mode === mode && r.fault === fault);
  const rates = rs.map((r) => r.acksPerSecondBeforeFault).sort((a, b) => a - b);
  const sum = (f: (r: Round) => number) => rs.reduce((n, r) => n + f(r), 0);
  console.log(`${mode.padEnd(25)} | ${fault.padEnd(21)} | ${String(rs.length).padStart(6)} | ${String(sum((r) => r.acknowledged)).padStart(12)} | ${String(sum((r) => r.lost)).padStart(4)} | ${rates[Math.floor(rates.length / 2)]}`);
}
process.exit(exitCode);
