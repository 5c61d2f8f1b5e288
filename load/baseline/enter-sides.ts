import { startBareEnter } from './bare-enter.ts';
import { generatorCpuMs, processCpuMs } from '../metrics/cpu.ts';
import type { LoadTarget } from '../target.ts';

/** One enter endpoint that enter-capacity and enter-latency compare: the bare baseline, the queue, or variant B. */
export type EnterSide = { name: string; step: string; urls: string[]; path: string; pids: number[] };

/**
 * Starts as many bare baselines as the target has queue instances (a fair match) and lists the
 * sides every round runs, in this order: bare, queue, queue B when the target has a variant B.
 */
export async function startEnterSides(target: LoadTarget): Promise<{ sides: EnterSide[]; stop(): Promise<void> }> {
  const bare = await startBareEnter(target, target.queueUrls.length);
  const queuePids = (processes: { name: string; pid: number }[]) => processes.filter((p) => /queue/.test(p.name)).map((p) => p.pid);
  const sides: EnterSide[] = [
    { name: 'bare', step: 'enter (bare)', urls: bare.urls, path: '/enter', pids: bare.pids },
    { name: 'queue', step: 'enter', urls: target.queueUrls, path: '/api/v1/queue/enter', pids: queuePids(target.processes) },
  ];
  if (target.variantB) {
    sides.push({ name: 'queue B', step: 'enter (queue B)', urls: target.variantB.queueUrls, path: '/api/v1/queue/enter', pids: queuePids(target.variantB.processes) });
  }
  return { sides, stop: () => bare.stop() };
}

/**
 * CPU each side cost while its rounds ran, per enter: generator, its server processes, and
 * Redis. CPU per request holds still while other load on the machine moves rates and latencies.
 */
export function sideCpu(target: LoadTarget) {
  const redisPids = target.processes.filter((p) => p.name.startsWith('redis')).map((p) => p.pid);
  const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + (processCpuMs(pid) || 0), 0);
  const totals = new Map<string, { enters: number; generator: number; server: number; redis: number }>();
  return {
    /** Runs one round of `side`, adding its CPU and the enters it made (`enters` of the round's result). */
    async measure<T>(side: EnterSide, round: () => Promise<T>, enters: (result: T) => number): Promise<T> {
      const before = { generator: generatorCpuMs(), server: cpuOf(side.pids), redis: cpuOf(redisPids) };
      const result = await round();
      const t = totals.get(side.name) ?? { enters: 0, generator: 0, server: 0, redis: 0 };
      totals.set(side.name, {
        enters: t.enters + enters(result),
        generator: t.generator + generatorCpuMs() - before.generator,
        server: t.server + cpuOf(side.pids) - before.server,
        redis: t.redis + cpuOf(redisPids) - before.redis,
      });
      return result;
    },
    /** µs of CPU per enter so far: generator, server, Redis. */
    perEnter(side: EnterSide) {
      const t = totals.get(side.name) ?? { enters: 0, generator: 0, server: 0, redis: 0 };
      const us = (ms: number) => Math.round((ms * 1000) / Math.max(1, t.enters));
      return { generator: us(t.generator), server: us(t.server), redis: us(t.redis) };
    },
  };
}

/** "generator / server / redis" µs, as the reports show it. */
export const formatCpu = ({ generator, server, redis }: { generator: number; server: number; redis: number }) => `${generator} / ${server} / ${redis}`;
