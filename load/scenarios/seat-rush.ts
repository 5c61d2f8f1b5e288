import { postgresStatements, statementFigures } from '../checks/postgres-statements.ts';
import { checkSeatInvariants } from '../checks/seat-invariants.ts';
import { containerCpuMs, generatorCpuMs, processCpuMs } from '../metrics/cpu.ts';
import { startBareEnter } from '../baseline/bare-enter.ts';
import { describeVariantB } from '../target.ts';
import { threshold, type Figure, type Scenario, type ScenarioContext, type ScenarioOutcome, type Threshold } from '../scenario.ts';
import { activeBuyers } from '../calls/become-active.ts';
import { coreCalls, freeSeats, type SeatView } from '../calls/core-calls.ts';
import { phase5Thresholds } from '../checks/phase5-thresholds.ts';

/**
 * 1,000 ACTIVE users race for 100 seats, then pay. Exactly 100 must win, no seat twice, which
 * PostgreSQL confirms. Getting everyone ACTIVE is set-up (its own steps); the race starts for
 * all at once. Each buyer looks at the seat map, picks a free seat at random and tries to hold
 * it; a lost race (409 SEAT_UNAVAILABLE) means look again, at most `attempts` times.
 */
export const seatRush: Scenario = {
  name: 'seat-rush',
  measuresVariantB: true,
  summary: '1,000 ACTIVE users race for 100 seats, then pay: exactly 100 winners, no seat held or sold twice',
  async run(ctx): Promise<ScenarioOutcome> {
    const { target, smoke } = ctx;
    const buyers = smoke ? 100 : 1000;
    const seats = smoke ? 10 : 100;
    const notes: string[] = [];
    const sides: RushSide[] = [
      { suffix: '', tag: '', coreUrl: target.coreUrl, queueUrls: target.queueUrls, gatewayUrl: target.gatewayUrl, corePid: pidOf(target.processes, 'core') },
      ...(target.variantB
        ? [{ suffix: ' (B)', tag: 'b', coreUrl: target.variantB.coreUrl, queueUrls: target.variantB.queueUrls, gatewayUrl: target.variantB.gatewayUrl, corePid: pidOf(target.variantB.processes, 'B core') }]
        : []),
    ];
    const figures: ScenarioOutcome['figures'] = {};
    const thresholds: Threshold[] = [];
    let raceP95: number | undefined; // the system under test's, not variant B's
    for (const side of sides) {
      const rush = await race(ctx, side, buyers, seats, notes);
      for (const [name, value] of Object.entries(rush.figures)) figures[`${name}${side.suffix}`] = value;
      thresholds.push(
        threshold(`buyers ACTIVE${side.suffix}`, 'seed', rush.active, '==', buyers),
        threshold(`winners${side.suffix}`, 'seed', rush.winners, '==', seats),
        threshold(`distinct seats won${side.suffix}`, 'seed', rush.distinctSeats, '==', seats),
        threshold(`PostgreSQL double holds/sales/payments${side.suffix}`, 'seed', rush.dbViolations, '==', 0),
      );
      figures[`race P95 (worst of seats, reserve, pay)${side.suffix}`] = rush.raceP95;
      if (side.suffix === '') {
        raceP95 = rush.raceP95;
        thresholds.push(...phase5Thresholds(ctx.recorder));
      }
    }
    if (target.variantB) figures['variant B'] = describeVariantB(target.variantB);
    const floor = await burstFloor(ctx, buyers);
    if (floor !== undefined && raceP95 !== undefined) {
      figures[`bare endpoint: P95 of ${buyers} requests at once (ms)`] = floor;
      figures['race P95 ÷ bare burst P95'] = Math.round((raceP95 / floor) * 100) / 100;
      thresholds.push(threshold('race P95 ÷ bare burst P95', 'target', figures['race P95 ÷ bare burst P95'] as number, '<=', 4));
      notes.push(
        `The floor: ${buyers} requests sent at once to a bare Koa + one-Redis-call endpoint (one process, like core) on the same machine, after a warm-up. A P95 under it is out of reach for any endpoint of this stack here.`,
      );
    }
    return { phases: {}, figures, thresholds, notes };
  },
};

/** `suffix` marks a side's steps and figures in the report; `tag` its concert, user and key ids. */
type RushSide = { suffix: string; tag: string; coreUrl: string; queueUrls: string[]; gatewayUrl: string; corePid: number };

const pidOf = (processes: { name: string; pid: number }[], name: string) => processes.find((p) => p.name === name)?.pid ?? 0;

/**
 * CPU the race cost, as % of one core over its wall time: core (one process, so 100 % means its
 * single thread was the bottleneck), PostgreSQL (its container), the generator.
 */
function raceCpu(ctx: ScenarioContext, corePid: number) {
  const pg = ctx.target.containers.find((c) => c.name === 'postgres');
  const read = () => ({ at: performance.now(), core: processCpuMs(corePid), postgres: pg ? containerCpuMs(pg.id) : Number.NaN, generator: generatorCpuMs() });
  const before = read();
  return () => {
    const after = read();
    const pct = (k: 'core' | 'postgres' | 'generator') => Math.round(((after[k] - before[k]) / (after.at - before.at)) * 100);
    return `${pct('core')} / ${pct('postgres')} / ${pct('generator')}`;
  };
}

/**
 * One race on one side (the system under test, or variant B): set-up (every buyer ACTIVE), then
 * all at once: look at the seat map, hold a random free seat (a lost race, 409
 * SEAT_UNAVAILABLE, means look again, at most 8 times), pay with an Idempotency-Key.
 */
async function race(ctx: ScenarioContext, side: RushSide, buyers: number, seats: number, notes: string[]) {
  const { http, admin, recorder, runId } = ctx;
  const step = (name: string) => `${name}${side.suffix}`;
  const attempts = 8;
  const concertId = `load-rush-${runId}${side.tag && `-${side.tag}`}`;
  await admin.createConcert(concertId, seats);
  await admin.setPolicy(concertId, { activeLimit: buyers * 2, admitPerSecond: 100_000, activeIdleSeconds: 300, holdSeconds: 300 });
  await admin.gatewayBehavior('approve', 0, side.gatewayUrl).catch((e: Error) => notes.push(`could not steer the payment gateway${side.suffix}: ${e.message}`));

  ctx.log(`set-up${side.suffix}: ${buyers} users enter and become ACTIVE`);
  ctx.showSteps(step('enter'), step('activate'));
  const active = await activeBuyers(http, side.queueUrls, concertId, `${runId}${side.tag}`, buyers, side.suffix);
  ctx.log(`${active.length} ACTIVE; the race for ${seats} seats starts${side.suffix}`);

  ctx.showSteps(step('seats'), step('reserve'), step('pay'));
  const core = coreCalls(http, side.coreUrl, side.suffix);
  const statements = postgresStatements(ctx.target.databaseUrl);
  await statements.reset();
  const winners: { user: number; seatId: string }[] = [];
  let soldOutSeen = 0;
  let unexpected = 0;
  const raceStart = performance.now();
  const cpuOfRace = raceCpu(ctx, side.corePid);
  await Promise.all(
    active.map(async (token, user) => {
      for (let attempt = 0; attempt < attempts; attempt++) {
        const map = await core.seats(concertId, token);
        if (map.status !== 200) return;
        const free = freeSeats(map);
        if (free.length === 0) {
          soldOutSeen++;
          return;
        }
        const seatId = free[Math.floor(Math.random() * free.length)];
        const held = await core.reserve(concertId, seatId, token);
        if (held.status === 409) {
          if (held.body?.error?.code !== 'SEAT_UNAVAILABLE') unexpected++;
          continue;
        }
        if (held.status !== 201) return;
        const paid = await core.pay(held.body.reservationId, token, `${runId}${side.tag}-pay-${user}`);
        if (paid.status === 201 && paid.body.status === 'COMPLETED') winners.push({ user, seatId });
        return;
      }
      recorder.count(`gave up after attempts${side.suffix}`);
    }),
  );
  const raceSeconds = (performance.now() - raceStart) / 1000;
  const cpu = cpuOfRace();
  const pgTime = await statements.top(8);

  // The seat map after the race, through the API (a loser's token is still ACTIVE).
  const loser = active.find((_, u) => !winners.some((w) => w.user === u));
  let soldOnMap: number | null = null;
  if (loser) {
    const map = await core.seats(concertId, loser, 'check');
    if (map.status === 200) soldOnMap = (map.body.seats as SeatView[]).filter((s) => s.status === 'SOLD').length;
  }
  const distinctSeats = new Set(winners.map((w) => w.seatId)).size;
  const db = await checkSeatInvariants(ctx.target.databaseUrl, concertId).catch((e: Error) => ({ checked: false, skippedBecause: e.message, soldSeats: 0, seatsHeldTwice: 0, seatsSoldTwice: 0, reservationsPaidTwice: 0 }));
  if (!db.checked) notes.push(`PostgreSQL invariant check${side.suffix} not run: ${db.skippedBecause}`);
  return {
    active: active.length,
    winners: winners.length,
    distinctSeats,
    raceP95: Math.max(...['seats', 'reserve', 'pay'].map((s) => recorder.stepSummary(step(s)).p95)),
    dbViolations: db.checked ? db.seatsHeldTwice + db.seatsSoldTwice + db.reservationsPaidTwice : null,
    figures: {
      'buyers ACTIVE': active.length,
      seats,
      'winners (payment COMPLETED)': winners.length,
      'distinct seats won': distinctSeats,
      'SOLD on the seat map': soldOnMap,
      'buyers who saw it sold out': soldOutSeen,
      'unexpected 409 codes': unexpected,
      'race seconds': Math.round(raceSeconds * 100) / 100,
      'race CPU, % of one core: core / PostgreSQL / generator': cpu,
      'PostgreSQL: seats sold': db.checked ? db.soldSeats : null,
      'PostgreSQL: seats held twice': db.checked ? db.seatsHeldTwice : null,
      'PostgreSQL: seats sold twice': db.checked ? db.seatsSoldTwice : null,
      'PostgreSQL: reservations paid twice': db.checked ? db.reservationsPaidTwice : null,
      ...statementFigures(pgTime, statements.unavailable),
    } as Record<string, Figure>,
  };
}

/**
 * The latency floor of a burst on this machine: `n` requests at once to the bare Koa +
 * one-Redis-call endpoint (load/baseline), one process like core, after a warm-up. Undefined
 * when there is no Redis to give it (an external target without E2E_REDIS_NODES).
 */
async function burstFloor(ctx: ScenarioContext, n: number): Promise<number | undefined> {
  const { target, http, recorder } = ctx;
  if (!target.redisNodes) return undefined;
  const bare = await startBareEnter(target, 1);
  try {
    const burst = (stepName: string) =>
      Promise.all(Array.from({ length: n }, (_, i) => http.call(stepName, bare.urls[0], { method: 'POST', path: '/enter', body: { concertId: 'burst', userId: `u${i}` }, expect: [201] })));
    for (let i = 0; i < 3; i++) await burst('warm-up (bare)');
    await burst('burst (bare)');
    return recorder.stepSummary('burst (bare)').p95;
  } finally {
    await bare.stop();
  }
}
