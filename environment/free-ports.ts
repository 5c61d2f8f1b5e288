import { createServer, type Server } from 'node:net';
import { getContainerRuntimeClient } from 'testcontainers';

/**
 * Docker hands out random host ports upwards from the bottom of the ephemeral range (32768) and,
 * with --userland-proxy=false, publishes them by NAT rules alone, with no listening socket: a
 * port that looks free to bind() may still be some container's. So ports are drawn from the top
 * of the range, and ports any container publishes are skipped.
 */
const LOWEST = 45_000;
const HIGHEST = 60_999;

/**
 * `count` distinct free TCP ports on 127.0.0.1. All listeners stay open until every port is
 * known, so two calls inside one batch can never hand out the same port. Containers bind these
 * explicitly, so a container that is killed and started again keeps its host port (and every
 * client's address for it, such as an ioredis natMap, stays valid).
 */
export async function freePorts(count: number): Promise<number[]> {
  const published = await publishedPorts();
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let attempt = 0; ports.length < count; attempt++) {
      if (attempt > 1000) throw new Error(`no ${count} free ports between ${LOWEST} and ${HIGHEST}`);
      const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
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
