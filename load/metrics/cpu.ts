import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // Linux USER_HZ, what /proc/<pid>/stat counts in

/** CPU time (ms) used so far by the generator itself (all its threads). */
export function generatorCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU time (ms) used so far by another local process (a service under test), or NaN if gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces, start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (ms) used so far by every process of a container (PostgreSQL forks a backend per
 * connection, so its main pid alone would show almost nothing), from its cgroup: v1 as Docker
 * sets it up on this machine, v2 as on GitHub's runners. NaN when neither is readable.
 */
export function containerCpuMs(id: string): number {
  const layouts: [string, (text: string) => number][] = [
    [`/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, (text) => Number(text) / 1e6],
    [`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, (text) => Number(/usage_usec (\d+)/.exec(text)?.[1]) / 1e3],
  ];
  for (const [file, parse] of layouts) {
    try {
      return parse(readFileSync(file, 'utf8'));
    } catch {
      // not this cgroup layout
    }
  }
  return Number.NaN;
}

/** Percent of one core used between two readings of a CPU-time clock. */
export function cpuMeter(read: () => number) {
  let lastCpu = read();
  let lastWall = performance.now();
  const firstCpu = lastCpu;
  const firstWall = lastWall;
  return {
    /** Percent of one core since the previous call. */
    sincePrevious(): number {
      const cpu = read();
      const wall = performance.now();
      const pct = ((cpu - lastCpu) / Math.max(1, wall - lastWall)) * 100;
      lastCpu = cpu;
      lastWall = wall;
      return Math.round(pct);
    },
    /** CPU ms and percent of one core since the meter was made. */
    total(): { cpuMs: number; percentOfOneCore: number } {
      const cpu = read() - firstCpu;
      return { cpuMs: Math.round(cpu), percentOfOneCore: Math.round((cpu / Math.max(1, performance.now() - firstWall)) * 100) };
    },
  };
}
