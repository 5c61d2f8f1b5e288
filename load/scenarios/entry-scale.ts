import { runArrivals, type Stage } from '../engine/open-model.ts';
import { causalOrderViolations } from '../checks/fifo.ts';
import { readWaiting } from '../checks/queue-snapshot.ts';
import { connectRedis } from '../redis-client.ts';
import { microsPerCall, readCommandStats, resetCommandStats } from '../checks/redis-command-stats.ts';
import { masterLoad, masterLoadFigures, sampleMasters, type MasterLoad } from '../checks/redis-masters.ts';
import { threshold, type Scenario, type ScenarioOutcome } from '../scenario.ts';
import { instanceFor, queueCalls, type EntryReply, type StatusReply } from '../calls/queue-calls.ts';

/**
 * The seed's entry-scale: warm-up 1,000 entries/s for 10 s, then 5,000/s for 60 s (300,000
 * users), every user new. Then a poll phase: 5,000 status polls/s spread over those users.
 * The waiting room is paused first, so nobody leaves the queue and the end state is exact:
 * the waiting set must hold every user answered 201, each at the position they were told.
 * With --shards the concert's room is spread over that many shards, and each Redis master's CPU
 * and scripts are read around the enter and the poll phase: how the work spreads, and the
 * busiest master's cost per enter and per poll (load/checks/redis-masters.ts).
 */
export const entryScale: Scenario = {
  name: 'entry-scale',
  summary: 'warm-up 1,000 entries/s 10 s, then 5,000/s 60 s; then 5,000 polls/s 20 s; final queue and FIFO check',
  async run(ctx): Promise<ScenarioOutcome> {
    const { http, admin, recorder, target, smoke, scale, timeScale, runId } = ctx;
    const warmup: Stage = smoke ? { rate: 200, durationS: 1 } : { rate: 1000, durationS: 10 };
    const main: Stage = smoke ? { rate: 500, durationS: 1.5 } : { rate: 5000, durationS: 60 };
    const poll: Stage = smoke ? { rate: 500, durationS: 1 } : { rate: 5000, durationS: 20 };
    for (const s of [warmup, main, poll]) {
      s.rate *= scale;
      s.durationS *= timeScale;
    }

    const concertId = `load-entry-${runId}`;
    await admin.createConcert(concertId, 10);
    if (ctx.shards > 1) await admin.setPolicy(concertId, { shards: ctx.shards });
    await admin.pause(concertId);
    const queue = queueCalls(http);
    ctx.showSteps('enter', 'poll');

    const n = Math.round(warmup.rate * warmup.durationS) + Math.round(main.rate * main.durationS);
    const sentAt = new Float64Array(n);
    const answeredAt = new Float64Array(n);
    const toldPosition = new Int32Array(n); // 0 = not entered
    const tokens: string[] = new Array(n);
    const userId = (i: number) => `${runId}-u${i}`;

    const enter = (offset: number) => async (k: number) => {
      const i = offset + k;
      sentAt[i] = performance.now();
      const r = await queue.enter(instanceFor(target.queueUrls, i), concertId, userId(i));
      answeredAt[i] = performance.now();
      if (r.status === 201) {
        const body = r.body as EntryReply;
        toldPosition[i] = body.position ?? -1;
        tokens[i] = body.token;
      }
    };
    const maxInFlight = 2000;
    // Redis's own time per script, per phase (managed or when E2E_REDIS_NODES is given).
    const redis = target.redisNodes ? connectRedis(target.redisNodes, target.redisNatMap) : undefined;
    const scriptMicros = async (reset: boolean) => {
      if (!redis) return null;
      try {
        const us = microsPerCall(await readCommandStats(redis), 'evalsha');
        if (reset) await resetCommandStats(redis);
        return us;
      } catch (error) {
        ctx.log(`could not read Redis command stats: ${(error as Error).message}`);
        return null;
      }
    };
    await scriptMicros(true);
    // Each master's own counters around a phase, per operation of it (null without Redis access).
    const mastersAround = async (work: () => Promise<{ operations: number }>): Promise<MasterLoad | null> => {
      const before = redis ? await sampleMasters(redis).catch(() => undefined) : undefined;
      const { operations } = await work();
      const after = before && redis ? await sampleMasters(redis).catch(() => undefined) : undefined;
      return before && after ? masterLoad(before, after, operations) : null;
    };
    ctx.log(`enter: ${warmup.rate}/s for ${warmup.durationS} s, then ${main.rate}/s for ${main.durationS} s (${n} users)${ctx.shards > 1 ? `, the room over ${ctx.shards} shards` : ''}`);
    const warm = await runArrivals({ stages: [warmup], maxInFlight, drainMs: 15_000, recorder, iteration: enter(0) });
    let full!: Awaited<ReturnType<typeof runArrivals>>;
    const enterMasters = await mastersAround(async () => {
      const entersBefore = recorder.stepRequests('enter');
      full = await runArrivals({ stages: [main], maxInFlight, drainMs: 15_000, recorder, iteration: enter(warm.scheduled) });
      return { operations: recorder.stepRequests('enter') - entersBefore };
    });
    const enterLatency = recorder.stepSummary('enter');
    const enterScriptMicros = await scriptMicros(true);

    // Poll phase: every poll of a paused queue must show WAITING at the position told at entry.
    const entered = [...toldPosition.keys()].filter((i) => toldPosition[i] > 0);
    let positionChanged = 0;
    ctx.log(`poll: ${poll.rate}/s for ${poll.durationS} s over ${entered.length} waiting users`);
    let polled!: Awaited<ReturnType<typeof runArrivals>>;
    const pollMasters = await mastersAround(async () => {
      polled = await runArrivals({
        stages: [poll],
        maxInFlight,
        drainMs: 15_000,
        recorder,
        iteration: async (k) => {
          if (entered.length === 0) return;
          const i = entered[(k * 7919) % entered.length]; // stride: users from all over the queue
          const r = await queue.status(instanceFor(target.queueUrls, i + 1), tokens[i]);
          const body = r.body as StatusReply | undefined;
          if (r.status === 200 && (body?.status !== 'WAITING' || body.position !== toldPosition[i])) positionChanged++;
        },
      });
      return { operations: recorder.stepRequests('poll') };
    });

    const statusScriptMicros = await scriptMicros(false);

    // End state, read from Redis: who is in the waiting set, in which order.
    const stats = await admin.stats(concertId);
    const figures: ScenarioOutcome['figures'] = {
      'users scheduled': n,
      'users entered (201)': entered.length,
      'queue size (admin stats)': stats.waiting,
      'entered (admin stats)': stats.entered,
      'polls showing another position': positionChanged,
      'Redis µs per enter script (INFO commandstats)': enterScriptMicros,
      'Redis µs per status script (INFO commandstats)': statusScriptMicros,
      shards: ctx.shards,
      ...(enterMasters ? masterLoadFigures('enter', enterMasters) : {}),
      ...(pollMasters ? masterLoadFigures('poll', pollMasters) : {}),
    };
    let lost: number | null = null;
    let fifoViolations: number | null = null;
    if (redis) {
      try {
        const snap = await readWaiting(redis, concertId);
        const rank: (number | undefined)[] = new Array(n);
        let strangers = 0;
        let duplicates = 0;
        snap.usersInOrder.forEach((user, r) => {
          const i = Number(user.slice(user.lastIndexOf('-u') + 2));
          if (!user.startsWith(`${runId}-u`) || !(i >= 0 && i < n)) strangers++;
          else if (rank[i] !== undefined) duplicates++;
          else rank[i] = r;
        });
        lost = entered.filter((i) => rank[i] === undefined).length;
        const misplaced = entered.filter((i) => rank[i] !== undefined && rank[i]! + 1 !== toldPosition[i]).length;
        const arrivals = Array.from({ length: n }, (_, i) => ({ sentAt: sentAt[i], answeredAt: answeredAt[i] }));
        const causal = causalOrderViolations(arrivals, rank.map((r, i) => (toldPosition[i] > 0 ? r : undefined)));
        fifoViolations = misplaced + causal + duplicates;
        Object.assign(figures, {
          'queue size (Redis)': snap.usersInOrder.length + snap.orphans,
          'lost (201 but not in the queue)': lost,
          'in the queue without a 201 (timed-out requests that landed)': strangers + rank.filter((r, i) => r !== undefined && toldPosition[i] === 0).length,
          'entries without owner': snap.orphans,
          'duplicates': duplicates,
          'not at the position told': misplaced,
          'ahead of someone who entered before they asked': causal,
          'FIFO violations': fifoViolations,
        });
      } finally {
        redis.disconnect();
      }
    }

    const errorRate = (recorder.stepSummary('enter').errors / Math.max(1, recorder.stepRequests('enter'))) * 100;
    const pollLatency = recorder.stepSummary('poll');
    figures['enter error rate %'] = round(errorRate, 3);
    const hold = full.achievedRate / main.rate;
    return {
      phases: { 'warm-up': warm, enter: full, poll: polled },
      figures,
      thresholds: [
        threshold('enter P95', 'seed', enterLatency.p95, '<', 200, 'ms'),
        threshold('enter errors', 'seed', errorRate, '<', 5, '%'),
        threshold(`holds ${main.rate}/s (achieved ÷ target)`, 'target', round(hold * 100, 1), '>=', 99, '%'),
        threshold('dropped iterations', 'target', warm.dropped + full.dropped, '==', 0),
        threshold('enter P95', 'target', enterLatency.p95, '<', 5, 'ms'),
        threshold('enter errors', 'target', recorder.stepSummary('enter').errors, '==', 0),
        threshold('users lost', 'target', lost, '==', 0),
        threshold('queue size − users entered', 'target', stats.waiting - entered.length, '==', 0),
        threshold('FIFO violations', 'target', fifoViolations, '==', 0),
        threshold(`poll P95 at ${poll.rate}/s`, 'target', pollLatency.p95, '<', 5, 'ms'),
        threshold('poll errors', 'target', pollLatency.errors + positionChanged, '==', 0),
        // Spread over N shards on N masters, no master does much more than its Nth of the work.
        ...(ctx.shards > 1
          ? (['enter', 'poll'] as const).map((phase) => {
              const load = phase === 'enter' ? enterMasters : pollMasters;
              const spread = load ? Math.min(ctx.shards, load.masters.length) : ctx.shards;
              return threshold(`busiest master's share, ${phase} (≤ 1/${spread} + 10 %)`, 'target', load ? round(load.hottestShare * 100, 1) : null, '<=', round((1 / spread + 0.1) * 100, 1), '%');
            })
          : []),
      ],
      notes: [
        'The waiting room is paused for the run, so nobody is admitted: the final queue must equal the users entered.',
        target.redisNodes ? '' : 'No E2E_REDIS_NODES: the queue was not read from Redis, FIFO and loss unchecked.',
      ].filter(Boolean),
    };
  },
};

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
