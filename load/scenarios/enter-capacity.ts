import os from 'node:os';
import { runClosedLoop, type ClosedLoopResult } from '../engine/closed-loop.ts';
import type { ArrivalResult } from '../engine/open-model.ts';
import { threshold, type Scenario, type ScenarioOutcome } from '../scenario.ts';
import { describeVariantB } from '../target.ts';
import { formatCpu, sideCpu, startEnterSides, type EnterSide } from '../baseline/enter-sides.ts';
import { instanceFor } from '../calls/queue-calls.ts';

/**
 * Closed-loop capacity of enter, against a bare Koa + one-Redis-call endpoint on the same
 * machine in the same run. Rounds alternate bare, queue, bare, queue…, so drifting background
 * load hits both alike; the figure is queue ÷ bare over all rounds.
 */
export const enterCapacity: Scenario = {
  name: 'enter-capacity',
  measuresVariantB: true,
  summary: 'closed loop: queue enter vs a bare Koa + single-Redis-call endpoint, alternating rounds; queue must reach ≥ 50 %',
  async run(ctx): Promise<ScenarioOutcome> {
    const { http, admin, target, smoke, runId } = ctx;
    const rounds = smoke ? 1 : 3;
    const roundMs = (smoke ? 2_000 : 10_000) * ctx.timeScale;
    const perInstance = 32; // requests outstanding per server instance: enough to keep each busy
    const concertId = `load-cap-${runId}`;
    await admin.createConcert(concertId, 10);
    await admin.pause(concertId);
    const { sides, stop } = await startEnterSides(target);
    ctx.showSteps(...sides.map((s) => s.step));
    const concurrency = perInstance * target.queueUrls.length;
    const cpu = sideCpu(target);
    const totals = new Map(sides.map((s) => [s.name, { n: 0, s: 0 }]));
    const phases: Record<string, ArrivalResult> = {};
    let user = 0;
    const enter = (side: EnterSide) => async () => {
      const i = user++;
      // Bodies are not parsed on any side, so the generator's cost per request stays alike.
      await http.call(side.step, instanceFor(side.urls, i), { method: 'POST', path: side.path, body: { concertId, userId: `${runId}-${i}` }, expect: [201] });
    };
    try {
      // Warm-up, not counted: JIT, sockets and script caches of every side get ready.
      for (const side of sides) await runClosedLoop({ concurrency, durationMs: Math.min(2_000, roundMs), iteration: enter(side) });
      ctx.recorder.reset();
      for (let round = 1; round <= rounds; round++) {
        const rates: string[] = [];
        for (const side of sides) {
          const result = await cpu.measure(side, () => runClosedLoop({ concurrency, durationMs: roundMs, iteration: enter(side) }), (r) => r.iterations);
          const t = totals.get(side.name)!;
          t.n += result.iterations;
          t.s += result.seconds;
          phases[`round ${round} ${side.name}`] = asPhase(result);
          rates.push(`${side.name} ${Math.round(result.rate)}/s`);
        }
        ctx.log(`round ${round}: ${rates.join(', ')}`);
      }
    } finally {
      await stop();
    }
    const rate = (name: string) => totals.get(name)!.n / totals.get(name)!.s;
    const bareRate = rate('bare');
    const queueRate = rate('queue');
    const ratio = queueRate / bareRate;
    const figures: ScenarioOutcome['figures'] = { 'closed-loop concurrency': concurrency };
    for (const side of sides) {
      const us = cpu.perEnter(side);
      figures[`${side.name}: enter /s`] = Math.round(rate(side.name));
      if (side.name !== 'bare') figures[`${side.name} ÷ bare`] = Math.round((rate(side.name) / bareRate) * 1000) / 1000;
      figures[`${side.name}: CPU µs per enter (generator / server / redis)`] = formatCpu(us);
      // What the cores could do if the run had them to itself: a contention-free estimate.
      figures[`${side.name}: CPU-bound estimate /s`] = Math.round((os.cpus().length * 1_000_000) / Math.max(1, us.generator + us.server + us.redis));
    }
    if (target.variantB) figures['variant B'] = describeVariantB(target.variantB);
    return {
      phases,
      figures,
      thresholds: [
        threshold('enter errors (all sides)', 'seed', ctx.recorder.totalErrors(), '==', 0),
        threshold('queue ÷ bare closed-loop enter rate', 'target', Math.round(ratio * 1000) / 10, '>=', 50, '%'),
      ],
      notes: [`${rounds} alternating round(s) of ${roundMs / 1000} s each with ${concurrency} requests outstanding; ${target.queueUrls.length} bare server(s) matching the queue instances (started after a warm-up of every side), each one Koa process doing one INCR on the same Redis Cluster.`],
    };
  },
};

function asPhase(r: ClosedLoopResult): ArrivalResult {
  return { scheduled: r.iterations, started: r.iterations, dropped: 0, unfinished: 0, arrivalSeconds: r.seconds, targetRate: Number.NaN, achievedRate: r.rate };
}
