import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { getContainerRuntimeClient } from 'testcontainers';

/**
 * Every outgoing TCP connection takes its source port from the kernel's ephemeral range
 * (/proc/sys/net/ipv4/ip_local_port_range, 32768–60999 by default on Linux), and Docker draws
 * its random published ports from the same range. A port drawn from inside it can be taken
 * between the draw and the service's bind — by one of the hundreds of connections to Redis,
 * PostgreSQL and the services a run opens — and the service then exits with EADDRINUSE (a
 * core did so at start-up in a mutation run). So ports are drawn outside that range.
 */
export const EPHEMERAL_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/** Below this lie the well-known ports local services use (5432, 6379, 8080...). */
const LOWEST = 10_000;
const HIGHEST = 65_535;

export type PortRange = [number, number];

/** The kernel's ephemeral range, or undefined where the file does not exist (not Linux). */
export function ephemeralRange(file = EPHEMERAL_RANGE_FILE): PortRange | undefined {
  try {
    const [low, high] = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && Number.isInteger(high) && low <= high ? [low, high] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The ranges ports are drawn from: 10000–65535 minus the ephemeral range. Unknown (not Linux),
 * 10000–32767, below every common system's default (Linux 32768, macOS and Windows 49152).
 */
export function drawRanges(ephemeral: PortRange | undefined): PortRange[] {
  const [low, high] = ephemeral ?? [32_768, HIGHEST];
  const ranges: PortRange[] = [];
  if (low - 1 >= LOWEST) ranges.push([LOWEST, low - 1]);
  if (high + 1 <= HIGHEST) ranges.push([Math.max(LOWEST, high + 1), HIGHEST]);
  return ranges;
}

const describe = (ephemeral: PortRange | undefined) =>
  ephemeral ? `the kernel's ephemeral range ${ephemeral[0]}–${ephemeral[1]} (${EPHEMERAL_RANGE_FILE})` : 'the ephemeral range (assumed from 32768)';

/**
 * `count` distinct free TCP ports on 127.0.0.1, outside the ephemeral range. All listeners stay
 * open until every port is known, so two calls inside one batch can never hand out the same
 * port. Containers bind these explicitly, so a container that is killed and started again keeps
 * its host port (and every client's address for it, such as an ioredis natMap, stays valid).
 * With --userland-proxy=false Docker publishes a port by NAT rules alone, with no listening
 * socket, so ports any container publishes are skipped as well as those bind() refuses.
 */
export async function freePorts(count: number, ephemeral: PortRange | undefined = ephemeralRange()): Promise<number[]> {
  const ranges = drawRanges(ephemeral);
  const size = ranges.reduce((sum, [a, b]) => sum + b - a + 1, 0);
  if (size === 0) {
    throw new Error(
      `no ports to draw from: ${describe(ephemeral)} leaves nothing between ${LOWEST} and ${HIGHEST}; ` +
        `narrow it (sysctl -w net.ipv4.ip_local_port_range="32768 60999")`,
    );
  }
  const published = await publishedPorts();
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let attempt = 0; ports.length < count; attempt++) {
      if (attempt > 1000) {
        throw new Error(`no ${count} free ports in ${ranges.map(([a, b]) => `${a}–${b}`).join(' or ')}, outside ${describe(ephemeral)}`);
      }
      const port = pick(ranges, Math.floor(Math.random() * size));
      if (published.has(port) || ports.includes(port)) continue;
      const server = createServer();
      const bound = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (bound) {
        servers.push(server);
        ports.push(port);
      }
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** The `offset`-th port of the ranges laid end to end. */
function pick(ranges: PortRange[], offset: number): number {
  for (const [a, b] of ranges) {
    if (offset <= b - a) return a + offset;
    offset -= b - a + 1;
  }
  throw new Error(`offset beyond the ranges: ${offset}`);
}

async function publishedPorts(): Promise<Set<number>> {
  try {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const containers = await docker.listContainers({ all: true });
    return new Set(containers.flatMap((c) => c.Ports.map((p) => p.PublicPort).filter((p): p is number => Boolean(p))));
  } catch {
    // No engine (a process-mode caller without Docker): bind() alone decides.
    return new Set();
  }
}
