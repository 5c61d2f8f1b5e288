import { arrivalsOf, runArrivals, type Stage } from '../engine/open-model.ts';
import { causalOrderViolators, type Arrival } from '../checks/fifo.ts';
import { readWaiting } from '../checks/queue-snapshot.ts';
import { connectRedis } from '../redis-client.ts';
import { microsPerCall, readCommandStats, resetCommandStats } from '../checks/redis-command-stats.ts';
import { masterLoad, masterLoadFigures, sampleMasters, type MasterLoad } from '../checks/redis-masters.ts';
import { userRange } from '../fleet/generator-share.ts';
import { wallClockMs } from '../metrics/recorder.ts';
import { driveAndJudge, threshold, type Driven, type FleetScenario, type JudgeContext, type Scenario, type ScenarioContext, type ScenarioOutcome } from '../scenario.ts';
import { instanceFor, queueCalls, type EntryReply, type StatusReply } from '../calls/queue-calls.ts';

/**
 * The seed's entry-scale: warm-up 1,000 entries/s for 10 s, then 5,000/s for 60 s (300,000
 * users), every user new. Then a poll phase: 5,000 status polls/s spread over those users.
 * The waiting room is paused first, so nobody leaves the queue and the end state is exact:
 * the waiting set must hold every user answered 201, each at the position they were told.
 * On several generators (--generator i/n) each drives its share of the arrivals with its own
 * users; the queue is checked once, against every generator's fans.
 * With --shards the concert's room is spread over that many shards, and each Redis master's CPU
 * and scripts are read around the enter and the poll phase: how the work spreads, and the
 * busiest master's cost per enter and per poll (load/checks/redis-masters.ts).
 */
const fleet: FleetScenario = { drive, judge };

export const entryScale: Scenario = {
  name: 'entry-scale',
  summary: 'warm-up 1,000 entries/s 10 s, then 5,000/s 60 s; then 5,000 polls/s 20 s; final queue and FIFO check',
  run: (ctx) => driveAndJudge(fleet, ctx),
  fleet,
};

function stagesOf(ctx: Pick<ScenarioContext, 'smoke' | 'scale' | 'timeScale'>) {
  const { smoke, scale, timeScale } = ctx;
  const warmup: Stage = smoke ? { rate: 200, durationS: 1 } : { rate: 1000, durationS: 10 };
  const main: Stage = smoke ? { rate: 500, durationS: 1.5 } : { rate: 5000, durationS: 60 };
  const poll: Stage = smoke ? { rate: 500, durationS: 1 } : { rate: 5000, durationS: 20 };
  for (const s of [warmup, main, poll]) {
    s.rate *= scale;
    s.durationS *= timeScale;
  }
  return { warmup, main, poll };
}

const concertOf = (runId: string) => `load-entry-${runId}`;
const userIdOf = (runId: string, user: number) => `${runId}-u${user}`;
const POSITION_CHANGED = 'polls showing another position';

/**
 * One generator's users, numbered `first`, `first + 1`, …: when each enter was sent and
 * answered (wall-clock ms since `zeroMs`) and the position it was told (0 = no 201; -1 = a 201
 * without a position).
 */
type EntryFans = {
  first: number;
  zeroMs: number;
  sentAtMs: number[];
  answeredAtMs: number[];
  position: number[];
  /** Each Redis master's work around the enter and the poll phase (one generator with Redis access only). */
  masters?: { shards: number; enter: MasterLoad | null; poll: MasterLoad | null };
};

async function drive(ctx: ScenarioContext): Promise<Driven> {
  const { http, admin, recorder, target, runId, share } = ctx;
  const { warmup, main, poll } = stagesOf(ctx);
  const concertId = concertOf(runId);
  if (share.of > 1) await admin.createSharedConcert(concertId, 10);
  else await admin.createConcert(concertId, 10);
  if (ctx.shards > 1) await admin.setPolicy(concertId, { shards: ctx.shards });
  await admin.pause(concertId);
  const queue = queueCalls(http);
  ctx.showSteps('enter', 'poll');

  const users = userRange(share, (s) => arrivalsOf([warmup], s) + arrivalsOf([main], s));
  const n = users.count;
  const zeroMs = wallClockMs();
  const sentAt = new Float64Array(n);
  const answeredAt = new Float64Array(n);
  const toldPosition = new Int32Array(n); // 0 = not entered
  const tokens: string[] = new Array(n);

  const enter = (offset: number) => async (k: number) => {
    const i = offset + k;
    sentAt[i] = wallClockMs() - zeroMs;
    const r = await queue.enter(instanceFor(target.queueUrls, users.first + i), concertId, userIdOf(runId, users.first + i));
    answeredAt[i] = wallClockMs() - zeroMs;
    if (r.status === 201) {
      const body = r.body as EntryReply;
      toldPosition[i] = body.position ?? -1;
      tokens[i] = body.token;
    }
  };
  const maxInFlight = 2000;
  // Redis's own time per script, per phase (managed or when E2E_REDIS_NODES is given). Reading
  // it resets the counts on every master, so only a run on one generator measures it.
  const redis = target.redisNodes && share.of === 1 ? connectRedis(target.redisNodes, target.redisNatMap) : undefined;
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
  // Each master's own counters around a phase, per operation of it (null without Redis access).
  const mastersAround = async (work: () => Promise<{ operations: number }>): Promise<MasterLoad | null> => {
    const before = redis ? await sampleMasters(redis).catch(() => undefined) : undefined;
    const { operations } = await work();
    const after = before && redis ? await sampleMasters(redis).catch(() => undefined) : undefined;
    return before && after ? masterLoad(before, after, operations) : null;
  };
  try {
    await scriptMicros(true);
    await ctx.startLine();
    ctx.log(`enter: ${warmup.rate}/s for ${warmup.durationS} s, then ${main.rate}/s for ${main.durationS} s (${n} users${share.of > 1 ? ` of this generator, from number ${users.first}` : ''})${ctx.shards > 1 ? `, the room over ${ctx.shards} shards` : ''}`);
    const warm = await runArrivals({ stages: [warmup], share, maxInFlight, drainMs: 15_000, recorder, iteration: enter(0) });
    let full!: Awaited<ReturnType<typeof runArrivals>>;
    const enterMasters = await mastersAround(async () => {
      const entersBefore = recorder.stepRequests('enter');
      full = await runArrivals({ stages: [main], share, maxInFlight, drainMs: 15_000, recorder, iteration: enter(warm.scheduled) });
      return { operations: recorder.stepRequests('enter') - entersBefore };
    });
    const enterScriptMicros = await scriptMicros(true);

    // Poll phase: every poll of a paused queue must show WAITING at the position told at entry.
    const entered = [...toldPosition.keys()].filter((i) => toldPosition[i] > 0);
    ctx.log(`poll: ${poll.rate}/s for ${poll.durationS} s over ${entered.length} waiting users`);
    let polled!: Awaited<ReturnType<typeof runArrivals>>;
    const pollMasters = await mastersAround(async () => {
      polled = await runArrivals({
        stages: [poll],
        share,
        maxInFlight,
        drainMs: 15_000,
        recorder,
        iteration: async (k) => {
          if (entered.length === 0) return;
          const i = entered[(k * 7919) % entered.length]; // stride: users from all over the queue
          const r = await queue.status(instanceFor(target.queueUrls, users.first + i + 1), tokens[i]);
          const body = r.body as StatusReply | undefined;
          if (r.status === 200 && (body?.status !== 'WAITING' || body.position !== toldPosition[i])) recorder.count(POSITION_CHANGED);
        },
      });
      return { operations: recorder.stepRequests('poll') };
    });
    const statusScriptMicros = await scriptMicros(false);
    const micros = (x: number) => Math.round(x * 1000) / 1000;
    const fans: EntryFans = {
      first: users.first,
      zeroMs,
      sentAtMs: Array.from(sentAt, micros),
      answeredAtMs: Array.from(answeredAt, micros),
      position: Array.from(toldPosition),
      masters: redis ? { shards: ctx.shards, enter: enterMasters, poll: pollMasters } : undefined,
    };
    return {
      phases: { 'warm-up': warm, enter: full, poll: polled },
      users,
      figures:
        share.of > 1
          ? {}
          : {
              'Redis µs per enter script (INFO commandstats)': enterScriptMicros,
              'Redis µs per status script (INFO commandstats)': statusScriptMicros,
              shards: ctx.shards,
              ...(enterMasters ? masterLoadFigures('enter', enterMasters) : {}),
              ...(pollMasters ? masterLoadFigures('poll', pollMasters) : {}),
            },
      notes: [],
      fans,
    };
  } finally {
    redis?.disconnect();
  }
}

/** The run over every generator's fans: latency and errors merged, the queue read once. */
async function judge(ctx: JudgeContext): Promise<ScenarioOutcome> {
  const { admin, target, runId } = ctx;
  const { warmup, main, poll } = stagesOf(ctx);
  const concertId = concertOf(runId);
  const parts = ctx.fans as EntryFans[];
  const n = parts.reduce((sum, p) => sum + p.position.length, 0);
  // Every user of the run by number, whichever generator drove them (their ranges tile 0 … n-1).
  const arrivals: Arrival[] = new Array(n);
  const toldPosition = new Int32Array(n);
  const generatorOf = new Int32Array(n);
  parts.forEach((p, g) => {
    p.position.forEach((position, k) => {
      const i = p.first + k;
      arrivals[i] = { sentAt: p.zeroMs + p.sentAtMs[k], answeredAt: p.zeroMs + p.answeredAtMs[k] };
      toldPosition[i] = position;
      generatorOf[i] = g;
    });
  });
  const entered = [...toldPosition.keys()].filter((i) => toldPosition[i] > 0);
  const positionChanged = ctx.counter(POSITION_CHANGED);
  const enterLatency = ctx.step('enter');

  // End state, read from Redis: who is in the waiting set, in which order.
  const stats = await admin.stats(concertId);
  const figures: ScenarioOutcome['figures'] = {
    'users scheduled': n,
    'users entered (201)': entered.length,
    'queue size (admin stats)': stats.waiting,
    'entered (admin stats)': stats.entered,
    [POSITION_CHANGED]: positionChanged,
  };
  let lost: number | null = null;
  let fifoViolations: number | null = null;
  const redis = target.redisNodes ? connectRedis(target.redisNodes, target.redisNatMap) : undefined;
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
      const ranked = rank.map((r, i) => (toldPosition[i] > 0 ? r : undefined));
      const causal = causalOrder(arrivals, ranked, generatorOf, parts.length, ctx.clockSkewMs);
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

  const shards = parts[0]?.masters?.shards ?? 1;
  const errorRate = (enterLatency.errors / Math.max(1, enterLatency.requests)) * 100;
  const pollLatency = ctx.step('poll');
  figures['enter error rate %'] = round(errorRate, 3);
  const warm = ctx.phases['warm-up'];
  const full = ctx.phases.enter;
  const hold = full.achievedRate / main.rate;
  return {
    phases: ctx.phases,
    figures,
    thresholds: [
      threshold('enter P95', 'seed', enterLatency.p95, '<', 200, 'ms'),
      threshold('enter errors', 'seed', errorRate, '<', 5, '%'),
      threshold(`holds ${main.rate}/s (achieved ÷ target)`, 'target', round(hold * 100, 1), '>=', 99, '%'),
      threshold('dropped iterations', 'target', warm.dropped + full.dropped, '==', 0),
      threshold('enter P95', 'target', enterLatency.p95, '<', 5, 'ms'),
      threshold('enter errors', 'target', enterLatency.errors, '==', 0),
      threshold('users lost', 'target', lost, '==', 0),
      threshold('queue size − users entered', 'target', stats.waiting - entered.length, '==', 0),
      threshold('FIFO violations', 'target', fifoViolations, '==', 0),
      threshold(`poll P95 at ${poll.rate}/s`, 'target', pollLatency.p95, '<', 5, 'ms'),
      threshold('poll errors', 'target', pollLatency.errors + positionChanged, '==', 0),
      // Spread over N shards on N masters, no master does much more than its Nth of the work.
      ...(shards > 1
        ? (['enter', 'poll'] as const).map((phase) => {
            const load = parts[0]?.masters?.[phase] ?? null;
            const spread = load ? Math.min(shards, load.masters.length) : shards;
            return threshold(`busiest master's share, ${phase} (≤ 1/${spread} + 10 %)`, 'target', load ? round(load.hottestShare * 100, 1) : null, '<=', round((1 / spread + 0.1) * 100, 1), '%');
          })
        : []),
    ],
    notes: [
      'The waiting room is paused for the run, so nobody is admitted: the final queue must equal the users entered.',
      target.redisNodes ? '' : 'No E2E_REDIS_NODES: the queue was not read from Redis, FIFO and loss unchecked.',
      ctx.generators > 1 ? `Order across generators is compared only between an answer and a request more than ${ctx.clockSkewMs} ms apart (--clock-skew-ms); within a generator, exactly.` : '',
    ].filter(Boolean),
  };
}

/**
 * Users placed ahead of someone answered before they asked: exactly within each generator (one
 * clock), and across generators only beyond the clocks' possible skew.
 */
function causalOrder(arrivals: Arrival[], rank: (number | undefined)[], generatorOf: Int32Array, generators: number, clockSkewMs: number): number {
  const violators = causalOrderViolators(arrivals, rank, generators > 1 ? clockSkewMs : 0);
  for (let g = 0; g < generators && generators > 1; g++) {
    const own = rank.map((r, i) => (generatorOf[i] === g ? r : undefined));
    causalOrderViolators(arrivals, own).forEach((v, i) => {
      if (v) violators[i] = true;
    });
  }
  return violators.filter(Boolean).length;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
