import { checkSeatInvariants } from '../checks/seat-invariants.ts';
import type { LoadHttp } from '../engine/http.ts';
import { sleep, threshold, type Scenario, type ScenarioOutcome } from '../scenario.ts';
import { instanceFor, queueCalls, type EntryReply, type StatusReply } from './queue-calls.ts';

type Seat = { seatId: string; status: string };

/**
 * 1,000 ACTIVE users race for 100 seats, then pay. Exactly 100 must win, no seat twice, which
 * PostgreSQL confirms. Getting everyone ACTIVE is set-up (its own steps); the race starts for
 * all at once. Each buyer looks at the seat map, picks a free seat at random and tries to hold
 * it; a lost race (409 SEAT_UNAVAILABLE) means look again, at most `attempts` times.
 */
export const seatRush: Scenario = {
  name: 'seat-rush',
  summary: '1,000 ACTIVE users race for 100 seats, then pay: exactly 100 winners, no seat held or sold twice',
  async run(ctx): Promise<ScenarioOutcome> {
    const { http, admin, recorder, target, smoke, runId } = ctx;
    const buyers = smoke ? 100 : 1000;
    const seats = smoke ? 10 : 100;
    const attempts = 8;
    const concertId = `load-rush-${runId}`;
    await admin.createConcert(concertId, seats);
    await admin.setPolicy(concertId, { activeLimit: buyers * 2, admitPerSecond: 100_000, activeIdleSeconds: 300, holdSeconds: 300 });
    const notes: string[] = [];
    await admin.gatewayBehavior('approve', 0).catch((e: Error) => notes.push(`could not steer the payment gateway: ${e.message}`));

    ctx.log(`set-up: ${buyers} users enter and become ACTIVE`);
    ctx.showSteps('enter', 'activate');
    const tokens = await Promise.all(Array.from({ length: buyers }, (_, i) => becomeActive(http, target.queueUrls, concertId, `${runId}-u${i}`, i)));
    const active = tokens.filter((t): t is string => t !== undefined);
    ctx.log(`${active.length} ACTIVE; the race for ${seats} seats starts`);

    ctx.showSteps('seats', 'reserve', 'pay');
    const core = target.coreUrl;
    const winners: { user: number; seatId: string }[] = [];
    let soldOutSeen = 0;
    let unexpected = 0;
    const raceStart = performance.now();
    await Promise.all(
      active.map(async (token, user) => {
        const auth = { 'x-queue-token': token };
        for (let attempt = 0; attempt < attempts; attempt++) {
          const map = await http.call('seats', core, { method: 'GET', path: `/api/v1/concerts/${concertId}/seats`, headers: auth, expect: [200], json: true });
          if (map.status !== 200) return;
          const free = (map.body.seats as Seat[]).filter((s) => s.status === 'AVAILABLE');
          if (free.length === 0) {
            soldOutSeen++;
            return;
          }
          const seatId = free[Math.floor(Math.random() * free.length)].seatId;
          const held = await http.call('reserve', core, { method: 'POST', path: '/api/v1/reservations', headers: auth, body: { concertId, seatId }, expect: [201, 409], json: true });
          if (held.status === 409) {
            if (held.body?.error?.code !== 'SEAT_UNAVAILABLE') unexpected++;
            continue;
          }
          if (held.status !== 201) return;
          const paid = await http.call('pay', core, {
            method: 'POST',
            path: '/api/v1/payments',
            headers: { ...auth, 'idempotency-key': `${runId}-pay-${user}` },
            body: { reservationId: held.body.reservationId },
            expect: [201],
            json: true,
          });
          if (paid.status === 201 && paid.body.status === 'COMPLETED') winners.push({ user, seatId });
          return;
        }
        recorder.count('gave up after attempts');
      }),
    );
    const raceSeconds = (performance.now() - raceStart) / 1000;

    // The seat map after the race, through the API (a loser's token is still ACTIVE).
    const loser = active.find((_, u) => !winners.some((w) => w.user === u));
    let soldOnMap: number | null = null;
    if (loser) {
      const map = await http.call('seats', core, { method: 'GET', path: `/api/v1/concerts/${concertId}/seats`, headers: { 'x-queue-token': loser }, expect: [200], json: true });
      if (map.status === 200) soldOnMap = (map.body.seats as Seat[]).filter((s) => s.status === 'SOLD').length;
    }
    const distinctSeats = new Set(winners.map((w) => w.seatId)).size;
    const db = await checkSeatInvariants(target.databaseUrl, concertId).catch((e: Error) => ({ checked: false, skippedBecause: e.message, soldSeats: 0, seatsHeldTwice: 0, seatsSoldTwice: 0, reservationsPaidTwice: 0 }));
    if (!db.checked) notes.push(`PostgreSQL invariant check not run: ${db.skippedBecause}`);
    const raceP95 = Math.max(...['seats', 'reserve', 'pay'].map((s) => recorder.stepSummary(s).p95));
    const dbViolations = db.checked ? db.seatsHeldTwice + db.seatsSoldTwice + db.reservationsPaidTwice : null;

    return {
      phases: {},
      figures: {
        'buyers ACTIVE': active.length,
        seats,
        'winners (payment COMPLETED)': winners.length,
        'distinct seats won': distinctSeats,
        'SOLD on the seat map': soldOnMap,
        'buyers who saw it sold out': soldOutSeen,
        'unexpected 409 codes': unexpected,
        'race seconds': Math.round(raceSeconds * 100) / 100,
        'PostgreSQL: seats sold': db.checked ? db.soldSeats : null,
        'PostgreSQL: seats held twice': db.checked ? db.seatsHeldTwice : null,
        'PostgreSQL: seats sold twice': db.checked ? db.seatsSoldTwice : null,
        'PostgreSQL: reservations paid twice': db.checked ? db.reservationsPaidTwice : null,
      },
      thresholds: [
        threshold('buyers ACTIVE', 'seed', active.length, '==', buyers),
        threshold('winners', 'seed', winners.length, '==', seats),
        threshold('distinct seats won', 'seed', distinctSeats, '==', seats),
        threshold('PostgreSQL double holds/sales/payments', 'seed', dbViolations, '==', 0),
        threshold('race P95 (worst of seats, reserve, pay)', 'target', raceP95, '<', 20, 'ms'),
      ],
      notes,
    };
  },
};

/** Enter, poll until admitted, activate: the set-up of one buyer; undefined if it failed. */
async function becomeActive(http: LoadHttp, queueUrls: string[], concertId: string, userId: string, i: number): Promise<string | undefined> {
  const queue = queueCalls(http);
  const origin = instanceFor(queueUrls, i);
  const entered = await queue.enter(origin, concertId, userId);
  if (entered.status !== 201) return undefined;
  const { token } = entered.body as EntryReply;
  for (let poll = 0; poll < 120; poll++) {
    await sleep(250);
    const r = await queue.status(origin, token, 'poll');
    const state = (r.body as StatusReply | undefined)?.status;
    if (state === 'ACTIVE') return token;
    if (state === 'READY') return (await queue.activate(origin, token)).status === 200 ? token : undefined;
    if (r.status === 410) return undefined;
  }
  return undefined;
}
