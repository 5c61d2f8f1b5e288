import type { Cluster } from 'ioredis';
import { drawAudit } from '../../support/driver/draw-audit.ts';
import { runArrivals, type Stage } from '../engine/open-model.ts';
import { readWaiting } from '../checks/queue-snapshot.ts';
import { commandTimes, recordEveryCommand, type CommandTimes } from '../checks/redis-slowlog.ts';
import { readCutSpread } from '../checks/cut-spread.ts';
import { connectRedis } from '../redis-client.ts';
import { sleep, threshold, type Scenario, type ScenarioOutcome } from '../scenario.ts';
import { instanceFor, queueCalls, type EntryReply } from '../calls/queue-calls.ts';

/**
 * A scheduled sale's opening: 300,000 fans join the pre-queue (5,000 entries/s for 60 s), then
 * the sale starts. Redis records every command from a second before the start to five after
 * (SLOWLOG, threshold 0): the longest is what opening the sale blocked Redis for. Five seconds
 * in, admission is paused for a moment to read the room from Redis and check it against the
 * published draw (every pre-queued fan there, in the order HMAC-SHA256(seed, userId) gives,
 * every later fan behind); then the room drains at the admission rate, while fans who come
 * after the start enter and the pre-queued poll. Baselines of the same run: entering a concert
 * on sale now at the same rate (right after the pre-queue, so both run warm), and the promote runs of a steady window
 * of the drain (20 to 26 s after the start) beside the opening's. With --shards both concerts are
 * spread over that many shards; the room is then read shard by shard and checked the same way.
 */
export const saleOpening: Scenario = {
  name: 'sale-opening',
  summary: '300,000 fans pre-queued at 5,000/s, the sale opens: opening step Redis time, order vs draw, loss, drain at the admission rate',
  async run(ctx): Promise<ScenarioOutcome> {
    const { http, admin, recorder, target, smoke, scale, timeScale, runId } = ctx;
    const preQueue: Stage = smoke ? { rate: 1000, durationS: 2 } : { rate: 5000 * scale, durationS: 60 * timeScale };
    const admitPerSecond = Math.round((smoke ? 250 : 5000) * scale);
    const lateRate = smoke ? 50 : 200 * scale;
    const pollRate = smoke ? 200 : 2000 * scale;
    const n = Math.round(preQueue.rate * preQueue.durationS);
    const drainS = n / admitPerSecond;

    if (!target.redisNodes) throw new Error('sale-opening reads the room and the slow log from Redis: it needs E2E_REDIS_NODES (a managed target has them)');
    const redis = connectRedis(target.redisNodes, target.redisNatMap);
    try {
      const concertId = `load-sale-${runId}`;
      await admin.createConcert(concertId, 10);
      if (ctx.shards > 1) await admin.setPolicy(concertId, { shards: ctx.shards });
      // Admitted fans stay READY for the whole run: the room drains from waiting to READY.
      await admin.setPolicy(concertId, { activeLimit: 1_000_000, admitPerSecond, readyTtlSeconds: 3600, saleStartsAt: new Date(Date.now() + 3_600_000).toISOString() });
      const queue = queueCalls(http);
      ctx.showSteps('enter (on sale now)', 'enter (pre-queue)', 'enter (after start)', 'poll');

      // ---- The pre-queue ------------------------------------------------------------------
      const userId = (i: number) => `${runId}-p${i}`;
      const tokens: string[] = new Array(n);
      let notPreQueue = 0;
      ctx.log(`pre-queue: ${preQueue.rate}/s for ${preQueue.durationS} s (${n} fans)`);
      const pre = await runArrivals({
        stages: [preQueue],
        maxInFlight: 2000,
        drainMs: 15_000,
        recorder,
        iteration: async (i) => {
          const r = await queue.enter(instanceFor(target.queueUrls, i), concertId, userId(i), [201], 'enter (pre-queue)');
          if (r.status !== 201) return;
          const body = r.body as EntryReply;
          if (body.status !== 'PRE_QUEUE' || body.position !== null) notPreQueue++;
          tokens[i] = body.token;
        },
      });
      const preQueued = [...tokens.keys()].filter((i) => tokens[i] !== undefined);
      const before = await admin.stats(concertId);

      // ---- Baseline: the same rate into a concert on sale now (paused: nobody leaves), warm --
      const plainConcert = `load-sale-plain-${runId}`;
      await admin.createConcert(plainConcert, 10);
      if (ctx.shards > 1) await admin.setPolicy(plainConcert, { shards: ctx.shards });
      await admin.pause(plainConcert);
      const baseline: Stage = { rate: preQueue.rate, durationS: smoke ? 1 : 10 * timeScale };
      ctx.log(`baseline: ${baseline.rate}/s for ${baseline.durationS} s into a concert on sale now`);
      const plain = await runArrivals({
        stages: [baseline],
        maxInFlight: 2000,
        drainMs: 15_000,
        recorder,
        iteration: (i) => queue.enter(instanceFor(target.queueUrls, i), plainConcert, `${runId}-b${i}`, [201], 'enter (on sale now)').then(() => undefined),
      });

      // ---- The opening --------------------------------------------------------------------
      const startsAt = Date.now() + 3000;
      const restoreSlowlog = await recordEveryCommand(redis);
      let opening: CommandTimes;
      let steady: CommandTimes | null = null;
      try {
        await admin.setPolicy(concertId, { saleStartsAt: new Date(startsAt).toISOString() });
        ctx.log(`the sale starts at ${new Date(startsAt).toISOString()}; ${preQueued.length} fans pre-queued`);
        // Fans who come after the start, and the pre-queued polling, from the start to the end of the drain.
        await until(startsAt);
        const traffic = afterTheStart({ ctx, concertId, tokens: preQueued.map((i) => tokens[i]), lateRate, pollRate, durationS: drainS + (smoke ? 2 : 10) });
        await until(startsAt + 5000);
        opening = await commandTimes(redis, Math.floor(startsAt / 1000) - 1, Math.ceil(startsAt / 1000) + 5, concertId);
        await restoreSlowlog();

        // ---- The room against the draw, with admission paused for the reading -------------
        await admin.pause(concertId);
        const pausedAt = performance.now();
        const audit = await checkAgainstTheDraw(redis, concertId, await admin.stats(concertId), preQueued.map(userId));
        await admin.resume(concertId);
        const pausedMs = performance.now() - pausedAt;
        // A steady window of the drain, for comparison: the same promote runs, long after the start.
        const steadyFrom = startsAt + pausedMs + 20_000;
        if (drainS > 30) {
          await until(steadyFrom);
          const restoreAgain = await recordEveryCommand(redis);
          try {
            await until(steadyFrom + 6000);
            steady = await commandTimes(redis, Math.floor(steadyFrom / 1000), Math.ceil(steadyFrom / 1000) + 6, concertId);
          } finally {
            await restoreAgain();
          }
        }

        // ---- The drain: from the start to the last pre-queued fan admitted, less the pause ---
        const resumedAt = performance.now();
        let drained = false;
        while (performance.now() - resumedAt < (drainS * 2 + 30) * 1000) {
          const s = await admin.stats(concertId);
          // Drained: every pre-queued fan admitted (later fans may still be waiting).
          if (s.admitted >= preQueued.length) {
            drained = true;
            break;
          }
          await sleep(250);
        }
        const drainedS = (Date.now() - startsAt - pausedMs) / 1000;
        const drainRate = preQueued.length / drainedS;
        const late = await traffic;

        const cut = ctx.shards > 1 ? await readCutSpread(target.queueUrls).catch(() => null) : null;
        const enterPre = recorder.stepSummary('enter (pre-queue)');
        const enterLate = recorder.stepSummary('enter (after start)');
        const poll = recorder.stepSummary('poll');
        const figures: ScenarioOutcome['figures'] = {
          'fans scheduled': n,
          'pre-queued (201)': preQueued.length,
          'answered other than PRE_QUEUE with no position': notPreQueue,
          'pre-queued (admin stats, before the start)': before.preQueued ?? null,
          'opening: longest Redis command, 1 s before to 5 s after the start (µs)': opening.longestUs,
          'opening: that command': opening.longest,
          'opening: promote runs recorded': opening.promote.runs,
          'opening: promote run P50 / P99 / max (µs)': `${opening.promote.p50Us} / ${opening.promote.p99Us} / ${opening.promote.maxUs}`,
          'opening: promote runs over 5 ms': opening.promote.over5ms,
          'opening: commands recorded': opening.commands,
          'steady drain (20–26 s in): longest Redis command (µs)': steady?.longestUs ?? null,
          'steady drain: promote runs recorded': steady?.promote.runs ?? null,
          'steady drain: promote run P50 / P99 / max (µs)': steady ? `${steady.promote.p50Us} / ${steady.promote.p99Us} / ${steady.promote.maxUs}` : null,
          'steady drain: promote runs over 5 ms': steady?.promote.over5ms ?? null,
          'enter P95: pre-queue ÷ on sale now (same rate, same run)': Math.round((recorder.stepSummary('enter (pre-queue)').p95 / Math.max(0.001, recorder.stepSummary('enter (on sale now)').p95)) * 100) / 100,
          'entries lost (201 but not in the room)': audit.lost,
          'order: fans out of the drawn order': audit.outOfOrder,
          'order: admitted first but not drawn first': audit.admittedOutOfDraw,
          'order: later fans ahead of a pre-queued fan': audit.lateAhead,
          'order: drawn order is the arrival order': audit.drawIsArrival,
          'order: fans read at the check': audit.read,
          shards: ctx.shards,
          ...(cut
            ? {
                'admission runs that cut the shards': cut.runs,
                'cut spread (µs): mean / P50 up to / P99 up to / every run up to': `${cut.meanUs} / ${cut.p50UpToUs} / ${cut.p99UpToUs} / ${cut.maxBucketUs}`,
              }
            : {}),
          'admission paused for the check (ms)': Math.round(pausedMs),
          'later fans entered (201)': late.entered,
          'admission rate while draining (/s, pre-queued ÷ drain seconds)': Math.round(drainRate),
          'admitPerSecond (policy)': admitPerSecond,
          'drain seconds (start to last pre-queued fan admitted, less the pause)': Math.round(drainedS * 10) / 10,
          'drained within the deadline': drained,
        };
        const errors = (step: string) => recorder.stepSummary(step).errors;
        const requests = ['enter (pre-queue)', 'enter (after start)', 'poll'].reduce((sum, s) => sum + recorder.stepRequests(s), 0);
        const errorRate = ((errors('enter (pre-queue)') + errors('enter (after start)') + errors('poll')) / Math.max(1, requests)) * 100;
        return {
          phases: { 'on sale now (baseline)': plain, 'pre-queue': pre, 'late arrivals': late.arrivals, polls: late.polls },
          figures,
          thresholds: [
            threshold('enter P95 (pre-queue)', 'seed', enterPre.p95, '<', 200, 'ms'),
            threshold('errors', 'seed', errorRate, '<', 5, '%'),
            threshold('opening: longest Redis command', 'target', opening.longestUs, '<=', 5000, 'µs'),
            threshold('opening: promote run P99', 'target', opening.promote.p99Us, '<=', 5000, 'µs'),
            threshold('entries lost', 'target', audit.lost, '==', 0),
            threshold('fans out of the drawn order', 'target', audit.outOfOrder + audit.admittedOutOfDraw + audit.lateAhead, '==', 0),
            threshold('drain at the admission rate (achieved ÷ admitPerSecond)', 'target', Math.round((drainRate / admitPerSecond) * 1000) / 10, '>=', 90, '%'),
            threshold('enter P95 (pre-queue)', 'target', enterPre.p95, '<', 10, 'ms'),
            threshold('enter P95 (after the start)', 'target', enterLate.p95, '<', 10, 'ms'),
            threshold('status P95', 'target', poll.p95, '<', 10, 'ms'),
            threshold('errors', 'target', errors('enter (pre-queue)') + errors('enter (after start)') + errors('poll') + notPreQueue, '==', 0),
          ],
          notes: [
            'Redis logs every command (SLOWLOG threshold 0) on every master from 3 s before the start to 5 s after it, and again for the steady window (20–26 s after it); the threshold is restored after each.',
            'Five seconds after the start admission is paused while the room is read from Redis (in chunks of 10,000) and checked against the published seed.',
            'The drain ends when every pre-queued fan was admitted (admin stats, read every 250 ms); its rate is the pre-queued ÷ the seconds from the start, less the pause. The token bucket starts full: one second of admissions comes at once.',
          ],
        };
      } finally {
        await restoreSlowlog().catch(() => undefined);
      }
    } finally {
      redis.disconnect();
    }
  },
};

/** Waits (polls the clock) until the instant `at` (epoch ms). */
async function until(at: number): Promise<void> {
  while (Date.now() < at) await sleep(Math.min(50, at - Date.now()));
}

/**
 * After the start: fans who come now (each must be told a position behind the whole
 * pre-queue), and the pre-queued polling their status.
 */
async function afterTheStart(options: {
  ctx: Parameters<Scenario['run']>[0];
  concertId: string;
  tokens: string[];
  lateRate: number;
  pollRate: number;
  durationS: number;
}) {
  const { ctx, concertId, tokens, lateRate, pollRate, durationS } = options;
  const queue = queueCalls(ctx.http);
  let entered = 0;
  const [arrivals, polls] = await Promise.all([
    runArrivals({
      stages: [{ rate: lateRate, durationS }],
      maxInFlight: 500,
      drainMs: 15_000,
      recorder: ctx.recorder,
      iteration: async (i) => {
        const r = await queue.enter(instanceFor(ctx.target.queueUrls, i), concertId, `${ctx.runId}-late${i}`, [201], 'enter (after start)');
        if (r.status === 201) entered++;
      },
    }),
    runArrivals({
      stages: [{ rate: pollRate, durationS }],
      maxInFlight: 1000,
      drainMs: 15_000,
      recorder: ctx.recorder,
      iteration: async (k) => {
        if (tokens.length === 0) return;
        const token = tokens[(k * 7919) % tokens.length];
        await queue.status(instanceFor(ctx.target.queueUrls, k), token);
      },
    }),
  ]);
  return { arrivals, polls, entered };
}

/**
 * Reads who is READY and who waits, in order, and checks it against the draw the operator
 * published: the admitted are exactly the first of the draw, the waiting pre-queued fans
 * follow in its order, every later fan behind them, and nobody answered 201 is missing.
 */
async function checkAgainstTheDraw(redis: Cluster, concertId: string, stats: { drawSeed?: string | null }, preQueuedUsers: string[]) {
  const seed = stats.drawSeed;
  if (!seed) throw new Error('the sale started but the statistics publish no draw seed');
  const drawn = drawAudit.order(seed, preQueuedUsers);
  const p = `queue:{${concertId}}`;
  // In chunks, so no single command holds the master for long.
  const readyUsers = new Set<string>();
  for (let start = 0; ; start += 10_000) {
    const ids = await redis.zrange(`${p}:ready`, String(start), String(start + 9_999));
    if (ids.length === 0) break;
    for (const owner of await redis.hmget(`${p}:entries`, ...ids)) if (owner) readyUsers.add(owner);
  }
  const waiting = await readWaiting(redis, concertId);
  const isPre = new Set(preQueuedUsers);
  const waitingPre = waiting.usersInOrder.filter((u) => isPre.has(u));
  const firstLate = waiting.usersInOrder.findIndex((u) => !isPre.has(u));
  const lateAhead = firstLate < 0 ? 0 : waiting.usersInOrder.slice(firstLate).filter((u) => isPre.has(u)).length;
  const admitted = drawn.slice(0, readyUsers.size);
  const admittedOutOfDraw = admitted.filter((u) => !readyUsers.has(u)).length;
  const rest = drawn.slice(readyUsers.size);
  let outOfOrder = Math.abs(rest.length - waitingPre.length);
  for (let i = 0; i < Math.min(rest.length, waitingPre.length); i++) if (rest[i] !== waitingPre[i]) outOfOrder++;
  const present = new Set([...readyUsers, ...waitingPre]);
  const lost = preQueuedUsers.filter((u) => !present.has(u)).length;
  const drawIsArrival = drawn.every((u, i) => u === preQueuedUsers[i]);
  return { lost, outOfOrder, admittedOutOfDraw, lateAhead, drawIsArrival, read: readyUsers.size + waiting.usersInOrder.length };
}
