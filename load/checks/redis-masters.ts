import { once } from 'node:events';
import type { Cluster } from 'ioredis';

/**
 * What each Redis master spent, from its own counters: main-thread CPU (INFO cpu,
 * used_cpu_sys_main_thread + used_cpu_user_main_thread; used_cpu_sys/user where a Redis lacks
 * them) and its scripts (INFO commandstats, evalsha calls and µs, the commands they call
 * included). Two samples around a phase give each master's share of the phase's work: how one
 * concert's load spreads over masters, and the hottest master's cost per operation, which bounds
 * the concert's throughput (10⁶ µs a second on one Redis thread).
 */
export type MasterSample = { master: string; cpuUs: number; evalshaCalls: number; evalshaUs: number; mainThread: boolean };

export async function sampleMasters(redis: Cluster): Promise<MasterSample[]> {
  if (redis.status !== 'ready') await once(redis, 'ready');
  return Promise.all(
    redis.nodes('master').map(async (node) => {
      const [cpu, commands] = [await node.info('cpu'), await node.info('commandstats')];
      const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? Number.NaN);
      const mainThread = Number.isFinite(field('used_cpu_sys_main_thread'));
      const seconds = mainThread ? field('used_cpu_sys_main_thread') + field('used_cpu_user_main_thread') : field('used_cpu_sys') + field('used_cpu_user');
      const evalsha = /^cmdstat_evalsha:calls=(\d+),usec=(\d+)/m.exec(commands);
      return {
        master: `${node.options.host}:${node.options.port}`,
        cpuUs: Math.round(seconds * 1e6),
        evalshaCalls: Number(evalsha?.[1] ?? 0),
        evalshaUs: Number(evalsha?.[2] ?? 0),
        mainThread,
      };
    }),
  );
}

export type MasterLoad = {
  /** Per master, busiest first: CPU µs, script calls and script µs, each per operation of the phase. */
  masters: { master: string; cpuUsPerOp: number; scriptsPerOp: number; scriptUsPerOp: number }[];
  /** The busiest master's part of the CPU all masters spent. */
  hottestShare: number;
  hottestCpuUsPerOp: number;
  /** 10⁶ ÷ the busiest master's CPU µs per operation: operations a second at which it is saturated. */
  ceilingPerSecond: number;
  mainThread: boolean;
};

/** Each master's cost between two samples, per one of `operations`. */
export function masterLoad(before: MasterSample[], after: MasterSample[], operations: number): MasterLoad {
  const ops = Math.max(1, operations);
  const masters = after
    .map((a) => {
      const b = before.find((s) => s.master === a.master);
      const delta = (field: 'cpuUs' | 'evalshaCalls' | 'evalshaUs') => (b ? a[field] - b[field] : 0);
      return { master: a.master, cpuUs: delta('cpuUs'), scriptsPerOp: delta('evalshaCalls') / ops, scriptUsPerOp: delta('evalshaUs') / ops };
    })
    .sort((x, y) => y.cpuUs - x.cpuUs);
  const total = masters.reduce((sum, m) => sum + m.cpuUs, 0);
  const hottestCpuUsPerOp = (masters[0]?.cpuUs ?? 0) / ops;
  return {
    masters: masters.map(({ cpuUs, ...m }) => ({ ...m, cpuUsPerOp: cpuUs / ops })),
    hottestShare: total > 0 ? (masters[0]?.cpuUs ?? 0) / total : 0,
    hottestCpuUsPerOp,
    ceilingPerSecond: hottestCpuUsPerOp > 0 ? 1e6 / hottestCpuUsPerOp : Number.POSITIVE_INFINITY,
    mainThread: after.every((s) => s.mainThread),
  };
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The load as report figures: per master "CPU µs / scripts / script µs" per 1,000 operations, busiest first. */
export function masterLoadFigures(label: string, load: MasterLoad): Record<string, string | number> {
  const cpu = load.mainThread ? 'main-thread CPU' : 'CPU';
  return {
    [`${label}: per master per 1,000 (${cpu} ms / scripts / script ms), busiest first`]: load.masters
      .map((m) => `${round(m.cpuUsPerOp, 2)} / ${Math.round(m.scriptsPerOp * 1000)} / ${round(m.scriptUsPerOp, 2)}`)
      .join(' | '),
    [`${label}: busiest master's share of the masters' CPU %`]: round(load.hottestShare * 100),
    [`${label}: busiest master's CPU µs per operation`]: round(load.hottestCpuUsPerOp, 2),
    [`${label}: ceiling, 10⁶ ÷ that (operations/s)`]: Number.isFinite(load.ceilingPerSecond) ? Math.round(load.ceilingPerSecond) : 'unbounded',
  };
}
