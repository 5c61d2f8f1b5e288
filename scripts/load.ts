/**
 * `npm run load -- <scenario>[:smoke] … [options]`: load scenarios against the reference system.
 * Starts the same environment as `npm run e2e` (containers + services) and tears it down after,
 * or, with E2E_TARGET=external, runs against the E2E_* URLs given. Exit code 0 only when every
 * gated threshold of every scenario passed. docs/load.md has the scenarios and options.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runScenario } from '../load/run.ts';
import type { StatusWay } from '../load/scenario.ts';
import { findScenario, scenarios } from '../load/scenarios/index.ts';
import { describeVariantB, externalLoadTarget, sidesOf, startManagedLoadTarget, type LoadTarget } from '../load/target.ts';
import { runTeardowns } from '../environment/teardown.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const log = (line: string) => console.log(`[load ${new Date().toISOString().slice(11, 19)}] ${line}`);

const usage = `usage: npm run load -- <scenario>[:smoke] [<scenario>…] [options]
scenarios: ${scenarios.map((s) => s.name).join(', ')}
options:
  --smoke                short variant of every scenario named
  --gate=seed|targets    thresholds that decide the exit code (default: seed)
  --scale=<x>            multiply arrival rates (default 1)
  --time-scale=<x>       multiply phase durations (default 1; 0.25 = a quick look at full rate)
  --status=<ways>        how circulation's waiting fans follow their place: poll (GET /status every
                         second, the default) or stream (GET /api/v1/queue/events, activating on
                         READY); poll,stream runs it both ways in one environment
  --connections=<n>      sockets per queue/core instance (default 128)
  --pipelining=<n>       requests per socket in flight (default 1)
  --timeout-ms=<n>       per-request timeout (default 10000)
  --queue-instances=<n>  queue instances of a managed target (default 2, as in npm run e2e;
                         on 2 cores entry-scale measures lower latency with 1, circulation needs 2)
  --shards=<n>[,<n>…]    spread entry-scale's and sale-opening's concert over n shards (1-16,
                         default 1); entry-scale then reports each Redis master's share of the
                         work; 1,3 runs each of them once per number, in one environment
  --redis-masters=<n>    masters of a managed target's Redis Cluster (default 3)
  --redis-replicas=<n>   replicas per master (0-2, default 1): 6 masters without replicas measure
                         how far one concert's ceiling rises with its shards
  --service-env K=V      extra environment for the managed services (repeatable)
  --ab-service-env K=V   also start a variant B of the services with this on top (repeatable);
                         enter-capacity and enter-latency then alternate bare, A and B
  --ab-ref=<git rev>     variant B runs that commit's code (a git worktree beside this one,
                         with its own npm ci when its lockfile differs): a before/after in one run
  --ab-node=<path>       variant B's services run on that Node.js binary (e.g. the old runtime)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    smoke: { type: 'boolean', default: false },
    gate: { type: 'string', default: 'seed' },
    scale: { type: 'string', default: '1' },
    'time-scale': { type: 'string', default: '1' },
    status: { type: 'string', default: 'poll' },
    connections: { type: 'string', default: '128' },
    pipelining: { type: 'string', default: '1' },
    'timeout-ms': { type: 'string', default: '10000' },
    'queue-instances': { type: 'string' },
    shards: { type: 'string', default: '1' },
    'redis-masters': { type: 'string', default: '3' },
    'redis-replicas': { type: 'string', default: '1' },
    'service-env': { type: 'string', multiple: true, default: [] },
    'ab-service-env': { type: 'string', multiple: true, default: [] },
    'ab-ref': { type: 'string' },
    'ab-node': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

const runs = positionals.map((arg) => {
  const [name, variant] = arg.split(':');
  const scenario = findScenario(name);
  if (!scenario || (variant !== undefined && variant !== 'smoke')) {
    console.error(`unknown scenario "${arg}"\n${usage}`);
    process.exit(2);
  }
  return { scenario, smoke: values.smoke || variant === 'smoke' };
});
if (values.help || runs.length === 0) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
if (values.gate !== 'seed' && values.gate !== 'targets') {
  console.error(`--gate must be seed or targets\n${usage}`);
  process.exit(2);
}

const statusWays = values.status.split(',');
if (statusWays.some((way) => way !== 'poll' && way !== 'stream')) {
  console.error(`--status takes poll, stream or both (poll,stream)\n${usage}`);
  process.exit(2);
}

const envPairs = (pairs: string[]) => Object.fromEntries(pairs.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const serviceEnv: Record<string, string> = Object.assign({}, ...runs.map((r) => r.scenario.serviceEnv ?? {}), envPairs(values['service-env']));
const variantB =
  values['ab-service-env'].length || values['ab-ref'] || values['ab-node']
    ? { serviceEnv: envPairs(values['ab-service-env']), ref: values['ab-ref'], node: values['ab-node'] }
    : undefined;

// Two by default, the shape e2e checks. On 2 cores one instance halves entry-scale's enter P95
// (fewer wake-ups and context switches) but cannot serve circulation's 8,000 requests/s
// (docs/load.md has both runs).
const queueInstances = values['queue-instances'] ? Number(values['queue-instances']) : 2;
if (!Number.isInteger(queueInstances) || queueInstances < 1) {
  console.error(`--queue-instances must be a whole number of at least 1\n${usage}`);
  process.exit(2);
}

const shardCounts = values.shards.split(',').map(Number);
if (shardCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) {
  console.error(`--shards takes whole numbers from 1 to 16 (1,3 runs both)\n${usage}`);
  process.exit(2);
}
/** Scenarios that spread their concert over --shards, and run once per number given. */
const SHARDED_SCENARIOS = new Set(['entry-scale', 'sale-opening']);
const redisShape = { masters: Number(values['redis-masters']), replicas: Number(values['redis-replicas']) };
if (!Number.isInteger(redisShape.masters) || redisShape.masters < 3 || redisShape.masters > 12 || ![0, 1, 2].includes(redisShape.replicas)) {
  console.error(`--redis-masters must be 3-12 and --redis-replicas 0, 1 or 2\n${usage}`);
  process.exit(2);
}

let target: LoadTarget | undefined;
// Everything started (containers, services, bare baselines) registered its own teardown the
// moment it existed, so a signal in the middle of start-up still cleans up.
const teardown = async () => {
  if (target?.kind !== 'external') log('tearing down the reference system and containers');
  await runTeardowns();
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    log(`${signal} received, stopping`);
    await teardown();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

// Service logs of this run only, as npm run e2e keeps them (a restarted service appends to its own).
const LOG_DIR = path.join(ROOT, 'reports', 'load', 'logs');
if (process.env.E2E_TARGET !== 'external') rmSync(LOG_DIR, { recursive: true, force: true });

let exitCode = 1;
try {
  target =
    process.env.E2E_TARGET === 'external'
      ? externalLoadTarget()
      : await startManagedLoadTarget({ log, logDir: LOG_DIR, serviceEnv, queueInstances, variantB, redis: redisShape });
  let passed = true;
  for (const run of runs) {
    for (const status of (run.scenario.followsStatus ? statusWays : ['poll']) as StatusWay[])
    for (const shards of SHARDED_SCENARIOS.has(run.scenario.name) ? shardCounts : [1])
    for (const side of run.scenario.measuresVariantB ? [{ label: '', target }] : sidesOf(target)) {
      const of = side.label ? ` on variant B (${describeVariantB(target.variantB!)})` : '';
      const way = run.scenario.followsStatus ? `, waiting fans ${status === 'stream' ? 'on status streams' : 'polling'}` : shards > 1 ? `, its concert over ${shards} shards` : '';
      log(`running ${run.scenario.name}${run.smoke ? ' (smoke)' : ''}${of}${way} against ${side.target.queueUrls.length} queue instance(s)`);
      const report = await runScenario(run.scenario, side.target, {
        variantLabel: side.label,
        smoke: run.smoke,
        scale: Number(values.scale),
        timeScale: Number(values['time-scale']),
        status,
        shards,
        gate: values.gate,
        http: { connections: Number(values.connections), pipelining: Number(values.pipelining), timeoutMs: Number(values['timeout-ms']) },
        reportDir: path.join(ROOT, 'reports', 'load'),
        log,
      });
      passed &&= report.passed;
    }
  }
  exitCode = passed ? 0 : 1;
} catch (error) {
  console.error(`\n[load] ${(error as Error).stack ?? error}\n`);
} finally {
  await teardown();
}
log(`exit code ${exitCode}`);
process.exit(exitCode);
