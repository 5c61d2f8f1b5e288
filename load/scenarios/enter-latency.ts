import { runArrivals, type ArrivalResult } from '../engine/open-model.ts';
import { latencyHistogram, summarize, type Histogram } from '../metrics/latency.ts';
import { threshold, type Scenario, type ScenarioOutcome } from '../scenario.ts';
import { describeVariantB } from '../target.ts';
import { formatCpu, sideCpu, startEnterSides, type EnterSide } from '../baseline/enter-sides.ts';
import { instanceFor } from '../calls/queue-calls.ts';

/**
 * Enter latency at entry-scale's rate (5,000/s, open model) against the same bare Koa +
 * one-Redis-call endpoint enter-capacity uses, in alternating rounds: the floor this stack and
 * machine put under any enter endpoint, measured beside the queue in the same run. With
 * --ab-service-env or --ab-ref a variant B of the queue joins every round, which makes it the
 * before/after benchmark for a latency fix.
 */
export const enterLatency: Scenario = {
  name: 'enter-latency',
  measuresVariantB: true,
  summary: 'open model 5,000 enters/s: queue vs a bare Koa + single-Redis-call endpoint (and variant B), alternating rounds',
  async run(ctx): Promise<ScenarioOutcome> {
    const { http, admin, target, smoke, runId, recorder } = ctx;
    const rate = (smoke ? 500 : 5000) * ctx.scale;
    const rounds = smoke ? 1 : 3;
    const roundS = (smoke ? 1 : 10) * ctx.timeScale;
    const warmupS = (smoke ? 1 : 4) * ctx.timeScale;
    const concertId = `load-lat-${runId}`;
    await admin.createConcert(concertId, 10);
    await admin.pause(concertId);
    const { sides, stop } = await startEnterSides(target);
    ctx.showSteps(...sides.map((s) => s.step));
    const cpu = sideCpu(target);
    const phases: Record<string, ArrivalResult> = {};
    // Each round's P95 per side as well as the pooled one: how far rounds of the same code
    // spread shows whether a difference between sides is more than the machine's own noise.
    const roundP95 = new Map<string, number[]>(sides.map((s) => [s.name, []]));
    let user = 0;
    const arrivals = (side: EnterSide, durationS: number, round?: Histogram) =>
      runArrivals({
        stages: [{ rate, durationS }],
        maxInFlight: 2000,
        drainMs: 10_000,
        recorder,
        iteration: async () => {
          const i = user++;
          // Same request and the same (unparsed) reply handling on every side: the generator's
          // share of each latency stays alike.
          const reply = await http.call(side.step, instanceFor(side.urls, i), { method: 'POST', path: side.path, body: { concertId, userId: `${runId}-${i}` }, expect: [201] });
          if (reply.status === 201) round?.recordValue(Math.max(1, Math.round(reply.latencyMs * 1000)));
        },
      });
    try {
      // Warm-up at the full rate, not counted: JIT, sockets and script caches of every side.
      for (const side of sides) await arrivals(side, warmupS);
      recorder.reset();
      for (let round = 1; round <= rounds; round++) {
        const seen: string[] = [];
        for (const side of sides) {
          const histogram = latencyHistogram();
          phases[`round ${round} ${side.name}`] = await cpu.measure(side, () => arrivals(side, roundS, histogram), (r) => r.started);
          const p95 = summarize(histogram).p95;
          roundP95.get(side.name)!.push(p95);
          seen.push(`${side.name} p95 ${p95.toFixed(1)} ms`);
        }
        ctx.log(`round ${round}: ${seen.join(', ')}`);
      }
    } finally {
      await stop();
    }

    const p95 = (side: string) => recorder.stepSummary(sides.find((s) => s.name === side)!.step)?.p95 ?? null;
    const figures: ScenarioOutcome['figures'] = { 'rate per side (enters/s)': rate };
    for (const side of sides) {
      figures[`${side.name}: CPU µs per enter (generator / server / redis)`] = formatCpu(cpu.perEnter(side));
      figures[`${side.name}: P95 of each round (ms)`] = roundP95.get(side.name)!.map((ms) => ms.toFixed(1)).join(' / ');
      if (side.name !== 'bare') figures[`${side.name}: P95 ÷ bare P95`] = ratio(p95(side.name), p95('bare'));
    }
    if (target.variantB) figures['variant B'] = describeVariantB(target.variantB);
    return {
      phases,
      figures,
      thresholds: [
        threshold('enter errors (all sides)', 'seed', recorder.totalErrors(), '==', 0),
        threshold('dropped iterations (all sides)', 'target', Object.values(phases).reduce((n, p) => n + p.dropped, 0), '==', 0),
        threshold(`queue enter P95 at ${rate}/s`, 'target', p95('queue'), '<', 5, 'ms'),
      ],
      notes: [
        `${rounds} alternating round(s) of ${roundS} s per side at ${rate} enters/s after a ${warmupS} s warm-up of each; ${target.queueUrls.length} bare server(s) matching the queue instances, each one Koa process doing one INCR on the same Redis Cluster.`,
      ],
    };
  },
};

const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100);
