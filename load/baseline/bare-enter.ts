import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePorts } from '../../environment/free-ports.ts';
import { registerTeardown } from '../../environment/teardown.ts';
import type { LoadTarget } from '../target.ts';

export type BareEnter = { urls: string[]; pids: number[]; stop(): Promise<void> };

/**
 * Starts `instances` bare baseline servers on the target's Redis Cluster, with the same extra
 * node flags as the services (SERVICE_NODE_ARGS, e.g. --cpu-prof).
 */
export async function startBareEnter(target: LoadTarget, instances: number): Promise<BareEnter> {
  if (!target.redisNodes) throw new Error('the bare baseline needs the target\'s Redis (E2E_REDIS_NODES)');
  const { redisNodes, redisNatMap } = target;
  const nodeArgs = (target.serviceEnv.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 3_000).unref();
          }),
      ),
    );
  };
  const unregister = registerTeardown('bare enter baseline', stop);
  try {
    for (const port of await freePorts(instances)) {
      const child = spawn(process.execPath, [...nodeArgs, path.join(import.meta.dirname, 'bare-enter-server.ts')], {
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), REDIS_CLUSTER_NODES: redisNodes, REDIS_NAT_MAP: redisNatMap },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      urls.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(urls.map((u) => waitHealthy(u, 20_000)));
  } catch (error) {
    await stop();
    unregister();
    throw error;
  }
  return {
    urls,
    pids: children.map((c) => c.pid ?? 0),
    async stop() {
      await stop();
      unregister();
    },
  };
}

async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`bare baseline at ${url} not healthy within ${timeoutMs} ms`);
}
