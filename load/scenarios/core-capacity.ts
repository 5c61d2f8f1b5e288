import { startBareEnter } from '../baseline/bare-enter.ts';
import { runClosedLoop, type ClosedLoopResult } from '../engine/closed-loop.ts';
import type { ArrivalResult } from '../engine/open-model.ts';
import { containerCpuMs, generatorCpuMs, processCpuMs } from '../metrics/cpu.ts';
import { threshold, type Figure, type Scenario, type ScenarioContext, type ScenarioOutcome } from '../scenario.ts';
import { describeVariantB } from '../target.ts';
import { postgresStatements, statementFigures } from '../checks/postgres-statements.ts';
import { activeBuyers } from '../calls/become-active.ts';
import { coreCalls } from '../calls/core-calls.ts';

/** One core service under test: the system's, or variant B's. */
type CoreSide = { name: string; suffix: string; tag: string; coreUrl: string; queueUrls: string[]; gatewayUrl: string; pid: number };

/** What one closed-loop round runs: a name in the report, its server, and one request. */
type Endpoint = { name: string; pid: number; request: (i: number) => Promise<void>; iterations?: number };

/**
 * Closed-loop capacity of each core endpoint, the seed's Phase 5 "alone" runs: the seat map,
 * a hold on a distinct seat each time, a hold on one hot seat (all but the first lose: 409),
 * and a payment of a hold. Against the bare Koa + one-Redis-call endpoint (one process, like
 * core) in alternating rounds of the same run, so background load hits all alike; each
 * endpoint's rate is reported as a ratio to bare's. Holds and payments use up buyers and seats,
 * so their rounds run a fixed number of requests; the others run for a fixed time.
 */
export const coreCapacity: Scenario = {
  name: 'core-capacity',
  measuresVariantB: true,
  summary: 'closed loop per core endpoint (seat map, hold distinct, hold hot seat, pay) vs a bare Koa + one-Redis-call endpoint, alternating rounds',
  async run(ctx): Promise<ScenarioOutcome> {
    const { target, smoke, recorder } = ctx;
    const rounds = smoke ? 1 : 3;
    const roundMs = (smoke ? 1_000 : 5_000) * ctx.timeScale;
    const holdsPerRound = smoke ? 100 : 1_000;
    const warmHolds = smoke ? 50 : 300;
    const concurrency = 32; // as enter-capacity per instance: core is one process
    const pidOf = (processes: { name: string; pid: number }[], name: string) => processes.find((p) => p.name === name)?.pid ?? 0;
    const sides: CoreSide[] = [
      { name: 'core', suffix: '', tag: '', coreUrl: target.coreUrl, queueUrls: target.queueUrls, gatewayUrl: target.gatewayUrl, pid: pidOf(target.processes, 'core') },
      ...(target.variantB
        ? [{ name: 'core B', suffix: ' (B)', tag: 'b', coreUrl: target.variantB.coreUrl, queueUrls: target.variantB.queueUrls, gatewayUrl: target.variantB.gatewayUrl, pid: pidOf(target.variantB.processes, 'B core') }]
        : []),
    ];

    const prepared = [];
    for (const side of sides) prepared.push(await prepare(ctx, side, concurrency, warmHolds + rounds * holdsPerRound));
    const bare = await startBareEnter(target, 1);
    const bareEndpoint: Endpoint = {
      name: 'bare',
      pid: bare.pids[0],
      request: async (i) => {
        await ctx.http.call('bare', bare.urls[0], { method: 'POST', path: '/enter', body: { concertId: `cap-${ctx.runId}`, userId: `u${i}` }, expect: [201] });
      },
    };
    const cpu = cpuPerRequest(target);
    const statements = postgresStatements(target.databaseUrl);
    const totals = new Map<string, { n: number; s: number }>();
    const phases: Record<string, ArrivalResult> = {};
    const run = async (e: Endpoint, label?: string) => {
      const result = await cpu.measure(e, () => runClosedLoop({ concurrency, durationMs: e.iterations ? 600_000 : roundMs, maxIterations: e.iterations, iteration: e.request }));
      if (!label) return result;
      const t = totals.get(e.name) ?? { n: 0, s: 0 };
      totals.set(e.name, { n: t.n + result.iterations, s: t.s + result.seconds });
      phases[`${label} ${e.name}`] = asPhase(result);
      return result;
    };
    try {
      // Warm-up, not counted: JIT, sockets, prepared statements of every endpoint.
      ctx.log('warm-up of every endpoint, not counted');
      await run(bareEndpoint);
      for (const p of prepared) for (const e of p.endpoints(warmHolds, 0)) await run(e);
      recorder.reset();
      cpu.reset();
      await statements.reset();
      for (let round = 1; round <= rounds; round++) {
        const rates: string[] = [];
        const r = await run(bareEndpoint, `round ${round}`);
        rates.push(`bare ${Math.round(r.rate)}/s`);
        for (const p of prepared) {
          for (const e of p.endpoints(holdsPerRound, warmHolds + (round - 1) * holdsPerRound)) {
            const result = await run(e, `round ${round}`);
            rates.push(`${e.name} ${Math.round(result.rate)}/s`);
          }
        }
        ctx.log(`round ${round}: ${rates.join(', ')}`);
      }
    } finally {
      await bare.stop();
    }
    const pgTime = await statements.top();

    const rate = (name: string) => {
      const t = totals.get(name);
      return t ? t.n / t.s : Number.NaN;
    };
    const bareRate = rate('bare');
    const ratio = (name: string) => Math.round((rate(name) / bareRate) * 1000) / 1000;
    const figures: Record<string, Figure> = { 'closed-loop concurrency': concurrency, 'bare: requests /s': Math.round(bareRate) };
    figures['bare: CPU µs per request (generator / server / redis / postgres)'] = cpu.format('bare');
    for (const name of [...totals.keys()].filter((n) => n !== 'bare')) {
      figures[`${name}: requests /s`] = Math.round(rate(name));
      figures[`${name} ÷ bare`] = ratio(name);
      figures[`${name}: CPU µs per request (generator / server / redis / postgres)`] = cpu.format(name);
      const step = recorder.stepSummary(name);
      figures[`${name}: P50 / P95 ms`] = `${step.p50} / ${step.p95}`;
    }
    for (const p of prepared) Object.assign(figures, p.figures());
    Object.assign(figures, statementFigures(pgTime, statements.unavailable));
    if (target.variantB) figures['variant B'] = describeVariantB(target.variantB);
    return {
      phases,
      figures,
      thresholds: [
        threshold('request errors (all endpoints)', 'seed', recorder.totalErrors(), '==', 0),
        ...prepared.map((p) => threshold(`buyers ACTIVE${p.side.suffix}`, 'seed', p.active, '==', p.wanted)),
        ...prepared.map((p) => threshold(`holds paid (payment COMPLETED)${p.side.suffix}`, 'seed', p.paid(), '==', rounds * holdsPerRound)),
        threshold('seat map ÷ bare closed-loop rate', 'target', Math.round(ratio('seat map') * 1000) / 10, '>=', 50, '%'),
      ],
      notes: [
        `${rounds} alternating round(s), ${concurrency} requests outstanding: bare, seat map and hot-seat holds for ${roundMs / 1000} s each; distinct-seat holds and payments ${holdsPerRound} requests each (every hold is a new buyer and seat; each payment pays one of that round's holds). The bare endpoint is one Koa process doing one INCR on the same Redis Cluster.`,
        'CPU µs per request: generator, the server process (core or bare), the Redis nodes, PostgreSQL (its container: a backend per connection). Seat-map and hot-seat replies are not parsed (nor are bare\'s), so the generator\'s cost stays close to bare\'s.',
        'PG lines: PostgreSQL\'s own execution time per statement over the measured rounds (pg_stat_statements; both sides when variant B runs).',
      ],
    };
  },
};

/**
 * A side's stage: a 100-seat concert whose map `concurrency` lookers read and whose hot seat
 * they all try to hold, and a concert with a seat and an ACTIVE buyer for every distinct hold.
 */
async function prepare(ctx: ScenarioContext, side: CoreSide, lookers: number, holders: number) {
  const { http, admin, runId } = ctx;
  const policy = { activeLimit: (lookers + holders) * 2, admitPerSecond: 100_000, activeIdleSeconds: 1_800, holdSeconds: 1_800 };
  const mapConcert = `load-cap-map-${runId}${side.tag}`;
  const holdConcert = `load-cap-hold-${runId}${side.tag}`;
  await admin.createConcert(mapConcert, 100);
  await admin.createConcert(holdConcert, holders);
  for (const c of [mapConcert, holdConcert]) await admin.setPolicy(c, policy);
  await admin.gatewayBehavior('approve', 0, side.gatewayUrl);
  ctx.log(`set-up${side.suffix}: ${lookers + holders} buyers become ACTIVE`);
  const lookerTokens = await activeBuyers(http, side.queueUrls, mapConcert, `${runId}${side.tag}-look`, lookers, side.suffix);
  const holderTokens = await activeBuyers(http, side.queueUrls, holdConcert, `${runId}${side.tag}-hold`, holders, side.suffix);
  const core = coreCalls(http, side.coreUrl, side.suffix);
  const seatIds = ((await core.seats(holdConcert, holderTokens[0], 'set-up')).body?.seats ?? []).map((s: { seatId: string }) => s.seatId) as string[];
  const hotSeat = (((await core.seats(mapConcert, lookerTokens[0], 'set-up')).body?.seats ?? [])[0]?.seatId ?? '') as string;
  const held: (string | undefined)[] = new Array(holders);
  let paid = 0;
  let hotWon = 0;
  const looker = (i: number) => lookerTokens[i % lookerTokens.length];
  const s = side.suffix;
  return {
    side,
    wanted: lookers + holders,
    active: lookerTokens.length + holderTokens.length,
    paid: () => paid,
    /** The four endpoints, for a round whose holds and payments use buyers from `first` on. */
    endpoints(holdsInRound: number, first: number): Endpoint[] {
      return [
        { name: `seat map${s}`, pid: side.pid, request: async (i) => void (await core.seats(mapConcert, looker(i), `seat map${s}`, false)) },
        {
          name: `hold hot seat${s}`,
          pid: side.pid,
          request: async (i) => {
            const r = await core.reserve(mapConcert, hotSeat, looker(i), `hold hot seat${s}`, false);
            if (r.status === 201) hotWon++;
          },
        },
        {
          name: `hold distinct seats${s}`,
          pid: side.pid,
          iterations: holdsInRound,
          request: async (i) => {
            const n = first + i;
            const r = await core.reserve(holdConcert, seatIds[n], holderTokens[n], `hold distinct seats${s}`);
            if (r.status === 201) held[n] = r.body.reservationId;
            else if (r.status !== 0) ctx.recorder.count(`distinct hold not taken${s}: ${r.status}`);
          },
        },
        {
          name: `pay${s}`,
          pid: side.pid,
          iterations: holdsInRound,
          request: async (i) => {
            const n = first + i;
            const reservationId = held[n];
            if (!reservationId) return;
            const r = await core.pay(reservationId, holderTokens[n], `${runId}${side.tag}-cap-${n}`, `pay${s}`);
            if (r.status === 201 && r.body.status === 'COMPLETED' && first > 0) paid++;
          },
        },
      ];
    },
    figures(): Record<string, Figure> {
      return { [`hot seat: holds created${s} (1 expected)`]: hotWon, [`seats held for the distinct rounds${s}`]: seatIds.length };
    },
  };
}

/** CPU per request of each endpoint over its rounds: generator, its server, Redis, PostgreSQL. */
function cpuPerRequest(target: ScenarioContext['target']) {
  const redisPids = target.processes.filter((p) => p.name.startsWith('redis')).map((p) => p.pid);
  const postgres = target.containers.find((c) => c.name === 'postgres');
  const sum = (pids: number[]) => pids.reduce((t, pid) => t + (processCpuMs(pid) || 0), 0);
  const read = (pid: number) => ({ generator: generatorCpuMs(), server: processCpuMs(pid) || 0, redis: sum(redisPids), postgres: postgres ? containerCpuMs(postgres.id) || 0 : 0 });
  type Cpu = ReturnType<typeof read>;
  const totals = new Map<string, { n: number; cpu: Cpu }>();
  return {
    async measure(e: Endpoint, round: () => Promise<ClosedLoopResult>): Promise<ClosedLoopResult> {
      const before = read(e.pid);
      const result = await round();
      const after = read(e.pid);
      const t = totals.get(e.name) ?? { n: 0, cpu: { generator: 0, server: 0, redis: 0, postgres: 0 } };
      for (const k of Object.keys(t.cpu) as (keyof Cpu)[]) t.cpu[k] += after[k] - before[k];
      t.n += result.iterations;
      totals.set(e.name, t);
      return result;
    },
    reset: () => totals.clear(),
    format(name: string): string {
      const t = totals.get(name);
      if (!t) return '';
      const us = (ms: number) => Math.round((ms * 1000) / Math.max(1, t.n));
      return `${us(t.cpu.generator)} / ${us(t.cpu.server)} / ${us(t.cpu.redis)} / ${us(t.cpu.postgres)}`;
    },
  };
}

function asPhase(r: ClosedLoopResult): ArrivalResult {
  return { scheduled: r.iterations, started: r.iterations, dropped: 0, unfinished: 0, arrivalSeconds: r.seconds, targetRate: Number.NaN, achievedRate: r.rate };
}
