import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { Cluster } from 'ioredis';
import pg from 'pg';
import { startManagedTarget, type ManagedTarget } from '../../environment/managed-target.ts';
import { scanForSecrets } from '../../scripts/secret-scan.ts';
import { runTeardowns } from '../../environment/teardown.ts';
import { eventually } from '../../support/polling.ts';
import { malformedRequest, type FuzzRequest } from './malformed-requests.ts';
import { redactSecrets } from '../../support/redact-secrets.ts';

// At least 5,000 generated malformed requests to every endpoint of every service: no 5xx, every
// process alive, and nothing changed in Redis or PostgreSQL. FUZZ_SEED reproduces a run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 5200);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
const CONCURRENCY = 12;
const LOG_DIR = path.resolve(import.meta.dirname, '../../reports/logs/fuzz');

let target: ManagedTarget;
let redis: Cluster;
let db: pg.Pool;
const concertId = `fuzz-${SEED}`;
const urlOf = (service: FuzzRequest['service']) =>
  ({ queue: target.env.E2E_QUEUE_URLS.split(',')[0], core: target.env.E2E_CORE_URL, gateway: target.env.E2E_GATEWAY_URL })[service];

before(async () => {
  target = await startManagedTarget(() => undefined, LOG_DIR);
  const natMap = Object.fromEntries(
    Object.entries(JSON.parse(target.env.E2E_REDIS_NAT_MAP) as Record<string, string>).map(([from, to]) => {
      const [host, port] = to.split(':');
      return [from, { host, port: Number(port) }];
    }),
  );
  redis = new Cluster(target.env.E2E_REDIS_NODES.split(',').map((n) => ({ host: n.split(':')[0], port: Number(n.split(':')[1]) })), { natMap });
  db = new pg.Pool({ connectionString: target.env.E2E_DATABASE_URL, max: 2 });
  const created = await request(`${target.env.E2E_CORE_URL}/admin/concerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.env.E2E_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ concertId, name: 'Fuzz', seatCount: 20, price: 1000 }),
  });
  assert.equal(created.statusCode, 201);
  await created.body.dump();
  // Paused, the promoter leaves the concert's keys alone: any change is the requests' doing.
  const paused = await request(`${target.env.E2E_QUEUE_URLS.split(',')[0]}/admin/concerts/${concertId}/queue/pause`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.env.E2E_ADMIN_TOKEN}` },
  });
  assert.equal(paused.statusCode, 204);
  await paused.body.dump();
});

after(async () => {
  redis?.disconnect();
  await db?.end();
  await runTeardowns();
});

/** Everything the requests might have changed: keys (and their sizes) of the concert, all keys, all rows. */
async function snapshot() {
  const keys: Record<string, number | string> = {};
  let total = 0;
  for (const node of redis.nodes('master')) {
    total += Number(await node.dbsize());
    for (const key of await node.keys(`queue:{${concertId}}:*`)) {
      const type = await node.type(key);
      keys[key] = type === 'zset' ? await node.zcard(key) : type === 'hash' ? await node.hlen(key) : type;
    }
  }
  const tables = (await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows.map((r) => r.tablename as string);
  const rows: Record<string, number> = {};
  for (const table of tables) rows[table] = Number((await db.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
  const charges = await request(`${target.env.E2E_GATEWAY_URL}/__control/charges`);
  return { redisKeys: total, concertKeys: keys, rows, gatewayCharges: charges.statusCode === 200 ? await charges.body.text() : `status ${charges.statusCode}` };
}

const agent = new Agent({ connections: CONCURRENCY, headersTimeout: 10_000, bodyTimeout: 10_000 });

async function send(req: FuzzRequest) {
  try {
    const res = await request(`${urlOf(req.service)}${req.path}`, { method: req.method as 'GET', headers: req.headers, body: req.body, dispatcher: agent });
    const text = await res.body.text();
    return { status: res.statusCode, text: text.slice(0, 200) };
  } catch (error) {
    // A socket the server closed on purpose (it refused to parse the request) is not a 5xx.
    return { status: 0, text: (error as Error).message };
  }
}

test(`${RUNS} malformed requests to every endpoint: only 4xx answers, nothing changed (seed ${SEED})`, async () => {
  // The promoter tends the paused concert too (its first runs add bookkeeping fields): start from
  // the state it has settled on, unchanged for a second (five promoter intervals). Two snapshots
  // taken back to back would agree before the promoter ever ran.
  let settled = { at: Date.now(), state: JSON.stringify(await snapshot()) };
  await eventually(
    async () => {
      const state = JSON.stringify(await snapshot());
      if (state !== settled.state) settled = { at: Date.now(), state };
      return Date.now() - settled.at >= 1000;
    },
    (stable) => stable,
    { what: 'Redis and PostgreSQL to settle before fuzzing', timeoutMs: 20_000, intervalMs: 250 },
  );
  const before = await snapshot();
  const requests = fc.sample(malformedRequest({ concertId, adminToken: target.env.E2E_ADMIN_TOKEN }), { numRuns: RUNS, seed: SEED });
  const answers: { req: FuzzRequest; status: number; text: string }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const req = requests[next++];
        answers.push({ req, ...(await send(req)) });
      }
    }),
  );

  const byStatus: Record<string, number> = {};
  for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
  console.log(`fuzz seed ${SEED}: ${answers.length} requests; answers by status ${JSON.stringify(byStatus)}`);
  const serverErrors = answers.filter((a) => a.status >= 500);
  // Failure output shows the requests, with the admin bearer masked.
  const show = (list: typeof answers) => redactSecrets(JSON.stringify(list.slice(0, 5).map((a) => ({ ...a.req, body: a.req.body?.slice(0, 200), status: a.status, answer: a.text })), null, 1));
  assert.equal(serverErrors.length, 0, `${serverErrors.length} server errors (FUZZ_SEED=${SEED} reproduces): ${show(serverErrors)}`);
  const unanswered = answers.filter((a) => a.status === 0);
  assert.ok(unanswered.length <= answers.length / 100, `${unanswered.length} requests got no answer: ${JSON.stringify(unanswered.slice(0, 3))}`);
  // OPTIONS answers which methods a path allows (200 with Allow): a success that changes nothing.
  const successes = answers.filter((a) => a.status < 400 && a.status !== 0 && a.req.method !== 'OPTIONS');
  assert.equal(successes.length, 0, `malformed requests succeeded (FUZZ_SEED=${SEED}): ${show(successes)}`);

  assert.deepEqual(await snapshot(), before, 'malformed requests changed state');
});

test('every service is still alive and ready after the fuzzing', async () => {
  for (const url of [...target.env.E2E_QUEUE_URLS.split(','), target.env.E2E_CORE_URL, target.env.E2E_GATEWAY_URL]) {
    const res = await request(`${url}/health/ready`);
    await res.body.dump();
    assert.equal(res.statusCode, 200, `${url} is not ready`);
  }
});

test('no secret and no complete queue token in the service logs of the run', async () => {
  const findings = scanForSecrets(LOG_DIR, target.secrets);
  assert.deepEqual(findings, []);
});
