import { checkSeatInvariants } from '../checks/seat-invariants.ts';
import { postgresStatements, statementFigures } from '../checks/postgres-statements.ts';
import { arrivalsOf, runArrivals, type Stage } from '../engine/open-model.ts';
import { userRange } from '../fleet/generator-share.ts';
import { driveAndJudge, sleep, threshold, type Driven, type FleetScenario, type JudgeContext, type Scenario, type ScenarioContext, type ScenarioOutcome } from '../scenario.ts';
import { coreCalls, freeSeats, type SeatView } from '../calls/core-calls.ts';
import { phase5Thresholds } from '../checks/phase5-thresholds.ts';
import { instanceFor, queueCalls, type EntryReply, type StatusReply } from '../calls/queue-calls.ts';

/**
 * The seed's Phase 5 "together" run: fans arrive faster than the waiting room lets them in, and
 * it admits them at its default rate (not all at once, unlike seat-rush). Each admitted fan
 * activates, lists the seats, holds a free one (a lost race, 409, means the next free seat of
 * that list; an exhausted list means a fresh look), pays. A fan who sees no free seat leaves.
 * Booking success = fans who paid ÷ fans who could get a seat (min(fans, seats)); PostgreSQL
 * confirms no seat held or sold twice and no reservation paid twice. On several generators
 * (--generator i/n) each drives its share of the fans; the seats and PostgreSQL are checked
 * once, over every generator's payments.
 */
const fleet: FleetScenario = { drive, judge };

export const booking: Scenario = {
  name: 'booking',
  summary: 'fans admitted at the waiting room\'s default rate list seats, hold one (another on 409), pay: booking success, P95 per step and end to end',
  run: (ctx) => driveAndJudge(fleet, ctx),
  fleet,
};

function shapeOf(ctx: Pick<ScenarioContext, 'smoke' | 'scale' | 'timeScale'>) {
  const { smoke, scale, timeScale } = ctx;
  const arrivals: Stage = { rate: (smoke ? 100 : 400) * scale, durationS: (smoke ? 2 : 5) * timeScale };
  return { seats: smoke ? 100 : 1_000, arrivals, pollMs: smoke ? 250 : 1_000 };
}

const concertOf = (runId: string) => `load-booking-${runId}`;
const ENTERED = 'entered';

/** One generator's fans: the seats they paid for, and how many times each (more than once would be a double sale). */
type BookingFans = { paidSeats: Record<string, number> };

async function drive(ctx: ScenarioContext): Promise<Driven> {
  const { http, admin, recorder, target, runId, share } = ctx;
  const { seats, arrivals, pollMs } = shapeOf(ctx);
  const maxWaitMs = 120_000;
  const looks = 20; // seat-map reads per fan at most: a fan only stops early when it sees no free seat
  const concertId = concertOf(runId);
  // The concert keeps the waiting room's default policy: admission rate and active limit as shipped.
  if (share.of > 1) await admin.createSharedConcert(concertId, seats);
  else await admin.createConcert(concertId, seats);
  await admin.gatewayBehavior('approve', 0).catch(() => undefined);
  const queue = queueCalls(http);
  const core = coreCalls(http, target.coreUrl);
  const sold = new Map<string, number>();
  const users = userRange(share, (s) => arrivalsOf([arrivals], s));
  ctx.showSteps('seats', 'reserve', 'pay');

  const fan = async (k: number) => {
    const i = users.first + k;
    const origin = instanceFor(target.queueUrls, i);
    const t0 = performance.now();
    const entered = await queue.enter(origin, concertId, `${runId}-f${i}`);
    if (entered.status !== 201) return;
    recorder.count(ENTERED);
    const { token, status } = entered.body as EntryReply;
    let state = status;
    while (state === 'WAITING') {
      if (performance.now() - t0 > maxWaitMs) {
        recorder.count('gave up waiting');
        await queue.exit(origin, token);
        return;
      }
      await sleep(pollMs);
      const r = await queue.status(origin, token);
      if (r.status === 410) return void recorder.count('expired while waiting');
      if (r.status === 200) state = (r.body as StatusReply).status;
    }
    if (state === 'READY' && (await queue.activate(origin, token)).status !== 200) return;
    const admitted = performance.now();
    recorder.observe('admission wait (enter → ACTIVE)', admitted - t0);
    for (let look = 0; look < looks; look++) {
      const map = await core.seats(concertId, token);
      if (map.status !== 200) return;
      const free = freeSeats(map);
      if (free.length === 0) {
        recorder.count('saw no free seat');
        await queue.exit(origin, token);
        return;
      }
      while (free.length > 0) {
        const seatId = free.splice(Math.floor(Math.random() * free.length), 1)[0];
        const held = await core.reserve(concertId, seatId, token);
        if (held.status === 409) {
          recorder.count('lost a seat race (409)');
          continue;
        }
        if (held.status !== 201) return;
        const paid = await core.pay(held.body.reservationId, token, `${runId}-pay-${i}`);
        if (paid.status !== 201 || paid.body.status !== 'COMPLETED') return;
        sold.set(seatId, (sold.get(seatId) ?? 0) + 1);
        const done = performance.now();
        recorder.observe('booking (ACTIVE → paid)', done - admitted);
        recorder.observe('journey (enter → paid)', done - t0);
        return;
      }
    }
    recorder.count('gave up after looks');
  };

  // PostgreSQL's time per statement: resetting it is global, so only a run on one generator measures it.
  const statements = share.of === 1 ? postgresStatements(target.databaseUrl) : undefined;
  await statements?.reset();
  await ctx.startLine();
  ctx.log(`${users.count} fans at ${arrivals.rate / share.of}/s for ${arrivals.durationS} s, ${seats} seats, the waiting room's default policy`);
  const phase = await runArrivals({ stages: [arrivals], share, maxInFlight: 100_000, drainMs: maxWaitMs + 60_000, recorder, iteration: fan });
  const fans: BookingFans = { paidSeats: Object.fromEntries(sold) };
  return {
    phases: { arrivals: phase },
    users,
    figures: statements ? statementFigures(await statements.top(), statements.unavailable) : {},
    notes: [],
    fans,
  };
}

/** The run over every generator's fans: who paid for which seat, against PostgreSQL and the seat map. */
async function judge(ctx: JudgeContext): Promise<ScenarioOutcome> {
  const { http, admin, target, runId } = ctx;
  const { seats, pollMs } = shapeOf(ctx);
  const concertId = concertOf(runId);
  const queue = queueCalls(http);
  const core = coreCalls(http, target.coreUrl);
  const paid = (ctx.fans as BookingFans[]).reduce((sum, f) => sum + Object.values(f.paidSeats).reduce((a, b) => a + b, 0), 0);
  const entered = ctx.counter(ENTERED);
  const couldBook = Math.min(entered, seats);
  const successPct = couldBook ? Math.round((paid / couldBook) * 1000) / 10 : null;
  const stats = await admin.stats(concertId);
  const db = await checkSeatInvariants(target.databaseUrl, concertId).catch((e: Error) => ({ checked: false, skippedBecause: e.message, soldSeats: 0, seatsHeldTwice: 0, seatsSoldTwice: 0, reservationsPaidTwice: 0 }));
  const dbViolations = db.checked ? db.seatsHeldTwice + db.seatsSoldTwice + db.reservationsPaidTwice : null;
  const checkMap = await soldOnMap();
  const dist = (name: string) => {
    const d = ctx.distribution(name);
    return d ? `${Math.round(d.p50)} / ${Math.round(d.p95)} / ${Math.round(d.p99)}` : null;
  };
  const steps = ['enter', 'poll', 'activate', 'seats', 'reserve', 'pay'];
  const figures: ScenarioOutcome['figures'] = {
    'fans entered': entered,
    seats,
    'fans who paid (payment COMPLETED)': paid,
    'booking success % (paid ÷ min(fans, seats))': successPct,
    'fans who saw no free seat': ctx.counter('saw no free seat'),
    'seat races lost (409)': ctx.counter('lost a seat race (409)'),
    'SOLD on the seat map': checkMap,
    'PostgreSQL: seats sold': db.checked ? db.soldSeats : null,
    'PostgreSQL: seats held twice': db.checked ? db.seatsHeldTwice : null,
    'PostgreSQL: seats sold twice': db.checked ? db.seatsSoldTwice : null,
    'PostgreSQL: reservations paid twice': db.checked ? db.reservationsPaidTwice : null,
    'admission wait P50 / P95 / P99 ms': dist('admission wait (enter → ACTIVE)'),
    'booking (ACTIVE → paid) P50 / P95 / P99 ms': dist('booking (ACTIVE → paid)'),
    'journey (enter → paid) P50 / P95 / P99 ms': dist('journey (enter → paid)'),
    'server: entered / completed / exited': `${stats.entered} / ${stats.completed} / ${stats.exited}`,
  };
  for (const s of steps) {
    const sum = ctx.step(s);
    if (sum.requests) figures[`${s}: P50 / P95 / P99 ms`] = `${sum.p50} / ${sum.p95} / ${sum.p99}`;
  }
  if (!db.checked) figures['PostgreSQL check not run'] = db.skippedBecause ?? '';
  const errors = steps.reduce((n, s) => n + ctx.step(s).errors, 0);
  return {
    phases: ctx.phases,
    figures,
    thresholds: [
      threshold('booking success', 'seed', successPct, '>', 80, '%'),
      ...phase5Thresholds({ stepRequests: (s) => ctx.step(s).requests, stepSummary: (s) => ctx.step(s) }),
      threshold('PostgreSQL double holds/sales/payments', 'seed', dbViolations, '==', 0),
      threshold('seats sold = fans who paid', 'seed', db.checked ? db.soldSeats : null, '==', paid),
      threshold('booking success', 'target', successPct, '>=', 99, '%'),
      threshold('request errors', 'target', errors, '==', 0),
    ],
    notes: [
      `The concert has the waiting room's default policy (admission per second and active limit as configured by DEFAULT_ADMIT_PER_SECOND / DEFAULT_ACTIVE_LIMIT of the services, 200/s and 1,000 unless set); fans poll every ${pollMs} ms.`,
    ],
  };

  /** SOLD seats on the map as a fresh buyer sees it (one more fan let in for the look). */
  async function soldOnMap(): Promise<number | null> {
    const entered = await queue.enter(target.queueUrls[0], concertId, `${runId}-check`);
    if (entered.status !== 201) return null;
    const { token } = entered.body as EntryReply;
    for (let poll = 0; poll < 40; poll++) {
      const r = await queue.status(target.queueUrls[0], token, 'check');
      const state = (r.body as StatusReply | undefined)?.status;
      if (state === 'READY') await queue.activate(target.queueUrls[0], token);
      if (state === 'READY' || state === 'ACTIVE') {
        const map = await core.seats(concertId, token, 'check');
        await queue.exit(target.queueUrls[0], token);
        return map.status === 200 ? (map.body.seats as SeatView[]).filter((s) => s.status === 'SOLD').length : null;
      }
      await sleep(250);
    }
    return null;
  }
}
