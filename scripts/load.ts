/**
 * `npm run load -- <scenario>[:smoke] … [options]`: load scenarios against the reference system.
 * Starts the same environment as `npm run e2e` (containers + services) and tears it down after,
 * or, with E2E_TARGET=external, runs against the E2E_* URLs given. Exit code 0 only when every
 * gated threshold of every scenario passed. With --generator i/n it is one of n generators of a
 * run (its file for `npm run load:merge`, exit code 0 when it ran to the end); with
 * --generators-in-containers n it runs n of them in containers against one managed target and
 * merges them. docs/load.md has the scenarios and options.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startContainerLoadTarget } from '../load/fleet/container-target.ts';
import { runGeneratorContainers } from '../load/fleet/generator-containers.ts';
import { readGeneratorFile } from '../load/fleet/generator-file.ts';
import { parseGenerator } from '../load/fleet/generator-share.ts';
import { mergeRun } from '../load/fleet/merge-run.ts';
import { containerCpuMs, cpuMeter } from '../load/metrics/cpu.ts';
import { runGenerator, runScenario } from '../load/run.ts';
import type { StatusWay } from '../load/scenario.ts';
import type { Share } from '../load/engine/open-model.ts';
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
  --ab-node=<path>       variant B's services run on that Node.js binary (e.g. the old runtime)
several generators (one scenario that supports them: ${scenarios.filter((s) => s.fleet).map((s) => s.name).join(', ')}):
  --generator=i/n        be generator i of n against an external target (E2E_TARGET=external):
                         1/n of every arrival rate, its own users; writes
                         reports/load/generators/<scenario>[-smoke]-<i>-of-<n>.json for load:merge
  --start-at=<ISO time>  with --generator: when every generator starts (the same on all; their
                         clocks must agree, e.g. NTP)
  --generators-in-containers=<n>
                         start one managed target, run n generators in containers on its network
                         (each --generator i/n), then merge them (npm run load:merge)`;

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
    generator: { type: 'string' },
    'start-at': { type: 'string' },
    'generators-in-containers': { type: 'string' },
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

const refuse = (message: string) => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
};
const shardCounts = values.shards.split(',').map(Number);
if (shardCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) refuse('--shards takes whole numbers from 1 to 16 (1,3 runs both)');
/** Scenarios that spread their concert over --shards, and run once per number given. */
const SHARDED_SCENARIOS = new Set(['entry-scale', 'sale-opening']);
const redisShape = { masters: Number(values['redis-masters']), replicas: Number(values['redis-replicas']) };
if (!Number.isInteger(redisShape.masters) || redisShape.masters < 3 || redisShape.masters > 12 || ![0, 1, 2].includes(redisShape.replicas)) {
  refuse('--redis-masters must be 3-12 and --redis-replicas 0, 1 or 2');
}
const http = { connections: Number(values.connections), pipelining: Number(values.pipelining), timeoutMs: Number(values['timeout-ms']) };
const scale = Number(values.scale);
const timeScale = Number(values['time-scale']);
const REPORT_DIR = path.join(ROOT, 'reports', 'load');

// Several generators: one scenario that can merge them, one status way, no variant B.
const generatorsInContainers = values['generators-in-containers'] === undefined ? undefined : Number(values['generators-in-containers']);
if (values.generator !== undefined || generatorsInContainers !== undefined) {
  if (values.generator !== undefined && generatorsInContainers !== undefined) refuse('--generator and --generators-in-containers exclude each other');
  if (runs.length !== 1) refuse('several generators run one scenario at a time');
  if (!runs[0].scenario.fleet) refuse(`${runs[0].scenario.name} runs on one generator only (several: ${scenarios.filter((s) => s.fleet).map((s) => s.name).join(', ')})`);
  if (statusWays.length !== 1) refuse('several generators run one --status way at a time');
  if (variantB) refuse('several generators measure one system: no --ab-* options');
  if (values.shards !== '1') refuse('several generators run a concert of one shard so far: no --shards');
}
if (generatorsInContainers !== undefined && !(Number.isInteger(generatorsInContainers) && generatorsInContainers >= 1)) {
  refuse('--generators-in-containers takes a whole number of at least 1');
}
if (generatorsInContainers !== undefined && process.env.E2E_TARGET === 'external') {
  refuse('--generators-in-containers starts its own target: unset E2E_TARGET, or run --generator i/n on each machine against the external one');
}
const share = values.generator === undefined ? undefined : parseShare(values.generator);
const startAtMs = Date.parse(values['start-at'] ?? '');
if (share) {
  if (!Number.isFinite(startAtMs)) refuse('--generator needs --start-at=<ISO date and time>, the same for every generator (e.g. 2026-12-03T10:00:00Z)');
  if (process.env.E2E_TARGET !== 'external') {
    refuse('--generator runs against a target every generator shares: set E2E_TARGET=external and its E2E_* variables (or use --generators-in-containers here)');
  }
} else if (values['start-at'] !== undefined) refuse('--start-at goes with --generator');

function parseShare(arg: string) {
  try {
    return parseGenerator(arg);
  } catch (error) {
    return refuse((error as Error).message);
  }
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
  if (share) exitCode = await runOneGenerator(share);
  else if (generatorsInContainers !== undefined) exitCode = await runGeneratorsInContainers(generatorsInContainers);
  else exitCode = await runHere();
} catch (error) {
  console.error(`\n[load] ${(error as Error).stack ?? error}\n`);
} finally {
  await teardown();
}
log(`exit code ${exitCode}`);
process.exit(exitCode);

/** Every scenario named, on every side and status way, from this process. */
async function runHere(): Promise<number> {
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
        scale,
        timeScale,
        status,
        shards,
        gate: values.gate as 'seed' | 'targets',
        http,
        reportDir: REPORT_DIR,
        log,
      });
      passed &&= report.passed;
    }
  }
  return passed ? 0 : 1;
}

/** Generator i of n against the external target: 0 when it ran to the end and wrote its file. */
async function runOneGenerator(share: Share): Promise<number> {
  target = externalLoadTarget();
  const { scenario, smoke } = runs[0];
  const { content } = await runGenerator(scenario, target, {
    share,
    startAtMs,
    smoke,
    scale,
    timeScale,
    status: statusWays[0] as StatusWay,
    shards: 1,
    gate: values.gate as 'seed' | 'targets',
    http,
    reportDir: REPORT_DIR,
    log,
  });
  return content.error ? 1 : 0;
}

/**
 * The local proof of several generators: one managed target with the services in containers,
 * n generators in containers on its network, their files merged with the target's state.
 */
async function runGeneratorsInContainers(count: number): Promise<number> {
  const { scenario, smoke } = runs[0];
  const started = await startContainerLoadTarget({ log, logDir: LOG_DIR, serviceEnv, queueInstances });
  target = started.host;
  // Time for the containers to start and every generator to set the stage before the start line.
  const startAtMs = Date.now() + 15_000;
  // The target's CPU from the start line on (cgroup of each container).
  let meters: { name: string; meter: ReturnType<typeof cpuMeter> }[] = [];
  const startMeters = setTimeout(() => {
    meters = started.containers.map((c) => ({ name: `${c.name} (container)`, meter: cpuMeter(() => containerCpuMs(c.id)) }));
  }, startAtMs - Date.now());
  log(`running ${count} generator(s) of ${scenario.name}${smoke ? ' (smoke)' : ''} in containers on ${started.network}, starting at ${new Date(startAtMs).toISOString()}`);
  const passOn = [`--scale=${scale}`, `--time-scale=${timeScale}`, `--status=${statusWays[0]}`, `--gate=${values.gate}`, `--connections=${http.connections}`, `--pipelining=${http.pipelining}`, `--timeout-ms=${http.timeoutMs}`];
  const generators = await runGeneratorContainers({
    count,
    scenario: scenario.name,
    smoke,
    args: passOn,
    startAtMs,
    network: started.network,
    env: started.networkEnv,
    reportDir: REPORT_DIR,
    logDir: LOG_DIR,
    log,
  });
  clearTimeout(startMeters);
  const targetCpu = meters.map((m) => ({ name: m.name, ...m.meter.total() }));
  const failed = generators.filter((g) => g.exitCode !== 0);
  if (failed.length) {
    log(`generator(s) ${failed.map((g) => `${g.generator} (exit ${g.exitCode})`).join(', ')} failed; their output is in ${path.relative(process.cwd(), LOG_DIR)}/generator-<i>.log`);
    return 1;
  }
  const report = await mergeRun(
    generators.map((g) => ({ path: path.relative(ROOT, g.file), content: readGeneratorFile(g.file) })),
    findScenario,
    target,
    {
      // The generators read this machine's one clock; each process fixes its origin once, at
      // start, to within microseconds: 1 ms is ample.
      clockSkewMs: 1,
      reportDir: REPORT_DIR,
      http,
      log,
      targetCpu,
    },
  );
  return report.passed ? 0 : 1;
}
