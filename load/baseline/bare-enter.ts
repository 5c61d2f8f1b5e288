import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { registerTeardown } from '../../support/environment/teardown.ts';

export type BareEnter = { urls: string[]; pids: number[]; stop(): Promise<void> };

/**
 * Starts `instances` bare baseline servers (as many as queue instances, for a fair match), with
 * the same extra node flags as the services (SERVICE_NODE_ARGS, e.g. --cpu-prof).
 */
export async function startBareEnter(instances: number, redisNodes: string, redisNatMap: string, nodeArgs: string[] = []): Promise<BareEnter> {
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
    for (let i = 0; i < instances; i++) {
      const port = await freePort();
      const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(import.meta.dirname, 'bare-enter-server.ts')], {
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
