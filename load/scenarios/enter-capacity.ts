import { startBareEnter } from '../baseline/bare-enter.ts';
import { runClosedLoop, type ClosedLoopResult } from '../engine/closed-loop.ts';
import type { ArrivalResult } from '../engine/open-model.ts';
import { cpuMeter, processCpuMs } from '../metrics/cpu.ts';
import { threshold, type Scenario, type ScenarioOutcome } from '../scenario.ts';
import { instanceFor, queueCalls } from './queue-calls.ts';

/**
 * Closed-loop capacity of enter, against a bare Koa + one-Redis-call endpoint on the same
 * machine in the same run. Rounds alternate bare, queue, bare, queue…, so drifting background
 * load hits both alike; the figure is queue ÷ bare over all rounds.
 */
export const enterCapacity: Scenario = {
  name: 'enter-capacity',
  summary: 'closed loop: queue enter vs a bare Koa + single-Redis-call endpoint, alternating rounds; queue must reach ≥ 50 %',
  async run(ctx): Promise<ScenarioOutcome> {
    const { http, admin, target, smoke, runId } = ctx;
    if (!target.redisNodes) throw new Error('enter-capacity needs E2E_REDIS_NODES for its bare baseline');
    const rounds = smoke ? 1 : 3;
    const roundMs = smoke ? 2_000 : 10_000;
    const perInstance = 32; // requests outstanding per server instance: enough to keep each busy
    const concertId = `load-cap-${runId}`;
    await admin.createConcert(concertId, 10);
    await admin.pause(concertId);
    const queue = queueCalls(http);
    const bare = await startBareEnter(target.queueUrls.length, target.redisNodes, target.redisNatMap);
    ctx.showSteps('enter (bare)', 'enter (queue)');
    const concurrency = perInstance * target.queueUrls.length;
    const totals = { bare: { n: 0, s: 0 }, queue: { n: 0, s: 0 } };
    const cpu = { bare: 0, queue: 0 };
    const phases: Record<string, ArrivalResult> = {};
    const bareCpu = bare.pids.map((pid) => cpuMeter(() => processCpuMs(pid)));
    const queueCpu = target.processes.filter((p) => p.name.startsWith('queue')).map((p) => cpuMeter(() => processCpuMs(p.pid)));
    let user = 0;
    try {
      for (let round = 1; round <= rounds; round++) {
        const b = await measure(() => runClosedLoop({
          concurrency,
          durationMs: roundMs,
          iteration: async () => {
            const i = user++;
            await http.call('enter (bare)', instanceFor(bare.urls, i), { method: 'POST', path: '/enter', body: { concertId, userId: `${runId}-b${i}` }, expect: [201] });
          },
        }), bareCpu);
        const q = await measure(() => runClosedLoop({
          concurrency,
          durationMs: roundMs,
          iteration: async () => {
            const i = user++;
            const r = await queue.enter(instanceFor(target.queueUrls, i), concertId, `${runId}-q${i}`);
            void r;
          },
        }), queueCpu);
        for (const [name, res] of [['bare', b], ['queue', q]] as const) {
          totals[name].n += res.result.iterations;
          totals[name].s += res.result.seconds;
          cpu[name] += res.cpuPercent;
          phases[`round ${round} ${name}`] = asPhase(res.result);
        }
        ctx.log(`round ${round}: bare ${Math.round(b.result.rate)}/s, queue ${Math.round(q.result.rate)}/s (ratio ${(q.result.rate / b.result.rate).toFixed(2)})`);
      }
    } finally {
      await bare.stop();
    }
    const bareRate = totals.bare.n / totals.bare.s;
    const queueRate = totals.queue.n / totals.queue.s;
    const ratio = queueRate / bareRate;
    return {
      phases,
      figures: {
        'closed-loop concurrency': concurrency,
        'bare enter /s': Math.round(bareRate),
        'queue enter /s': Math.round(queueRate),
        'queue ÷ bare': Math.round(ratio * 1000) / 1000,
        'bare servers CPU % of one core (mean of rounds, all instances)': Math.round(cpu.bare / rounds),
        'queue instances CPU % of one core (mean of rounds, all instances)': Math.round(cpu.queue / rounds),
      },
      thresholds: [
        threshold('queue enter errors', 'seed', ctx.recorder.stepSummary('enter').errors, '==', 0),
        threshold('queue ÷ bare closed-loop enter rate', 'target', Math.round(ratio * 1000) / 10, '>=', 50, '%'),
      ],
      notes: [`${rounds} alternating round(s) of ${roundMs / 1000} s each with ${concurrency} requests outstanding; ${target.queueUrls.length} bare server(s) matching the queue instances, each one Koa process doing one INCR on the same Redis Cluster.`],
    };
  },
};

async function measure(run: () => Promise<ClosedLoopResult>, meters: ReturnType<typeof cpuMeter>[]) {
  for (const m of meters) m.sincePrevious();
  const result = await run();
  const cpuPercent = meters.reduce((sum, m) => sum + m.sincePrevious(), 0);
  return { result, cpuPercent };
}

function asPhase(r: ClosedLoopResult): ArrivalResult {
  return { scheduled: r.iterations, started: r.iterations, dropped: 0, unfinished: 0, arrivalSeconds: r.seconds, targetRate: Number.NaN, achievedRate: r.rate };
}
