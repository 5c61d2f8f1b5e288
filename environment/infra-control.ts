import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { getContainerRuntimeClient } from 'testcontainers';
import { describeFault, networkFaults, type NetworkFault } from './network-faults.ts';
import { restartPostgres } from './postgres.ts';
import type { StartedReferenceSystem, ServiceName } from './reference-system.ts';
import type { TestEnvironment } from './test-environment.ts';

/**
 * Fault injection for scenarios. Cucumber workers are threads that own nothing; the containers
 * and the reference system's child processes belong to the coordinator (environment/run-session.ts),
 * so it serves this small HTTP API and workers call it (support/driver/infrastructure.ts). It listens on 127.0.0.1 only
 * and every call must carry a random bearer token, so nothing else on the machine can kill nodes.
 *
 *   GET  /state                            what is down right now
 *   POST /queue-instances/{n}/kill         SIGKILL queue instance n (1-based)
 *   POST /queue-instances/{n}/start        start it again on its port, wait until ready
 *   POST /redis/owner        {key}         the master serving key's slot
 *   POST /redis/kill-owner   {key}         docker kill that master
 *   POST /redis/restore                    docker start killed nodes, wait until the cluster is whole
 *   POST /postgres/restart                 pg_ctl stop -m fast, start the container again, wait until it answers
 *   POST /network/{service}/fault {peer, lossPercent | cut | bitsPerSecond}
 *                                          a network fault on the links from a service's container
 *                                          (core, queue-1, payment-gateway) to a peer (postgres,
 *                                          redis, core): network-faults.ts; containers mode only
 *   POST /network/restore                  every network fault lifted
 *   POST /restore                          all of the above undone; every service ready
 *
 * Operations run one at a time, in arrival order.
 */
export type InfraControl = { url: string; token: string; stop(): Promise<void> };

const RESTORE_TIMEOUT_MS = 60_000;

class HttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function startInfraControl(deps: {
  environment: TestEnvironment;
  system: StartedReferenceSystem;
  log?: (line: string) => void;
}): Promise<InfraControl> {
  const { environment, system } = deps;
  const log = deps.log ?? (() => undefined);
  const token = randomBytes(32).toString('base64url');
  const expected = digest(`Bearer ${token}`);
  const queueNames = system.endpoints.queueUrls.map((_, i) => `queue-${i + 1}` as ServiceName);

  const queueInstance = (raw: string): ServiceName => {
    const name = queueNames[Number(raw) - 1];
    if (!/^\d+$/.test(raw) || !name) throw new HttpError(404, `no queue instance ${raw}; there are ${queueNames.length}`);
    return name;
  };
  const keyOf = (body: unknown): string => {
    const key = (body as { key?: unknown })?.key;
    if (typeof key !== 'string' || key.length === 0 || key.length > 512) throw new HttpError(400, 'body must be {"key": "<redis key>"}');
    return key;
  };
  const describeOwner = async (key: string) => {
    const owner = await environment.redis.ownerOf(key);
    return { slot: owner.slot, nodeId: owner.nodeId, node: owner.node.name, failing: owner.failing };
  };

  // Network faults: the containers they are in, to lift them again.
  const faults = networkFaults();
  const faulted = new Map<ServiceName, string>();
  const serviceContainer = (raw: string): { name: ServiceName; id: string } => {
    const name = raw as ServiceName;
    if (!system.containerId) throw new HttpError(409, 'network faults need the services in containers (E2E_SYSTEM=containers)');
    const id = system.containerId(name);
    if (!id) throw new HttpError(404, `no running service container ${raw}`);
    return { name, id };
  };
  const peerAddresses = async (peer: unknown): Promise<string[]> => {
    const network = environment.info.network;
    if (peer === 'postgres') return [environment.postgres.getIpAddress(network)];
    if (peer === 'redis') return environment.redis.nodes.map((n) => n.internal.host);
    if (peer === 'core') {
      const id = system.containerId?.('core');
      if (!id) throw new HttpError(404, 'the core service is not running in a container');
      const docker = (await getContainerRuntimeClient()).container.dockerode;
      return [(await docker.getContainer(id).inspect()).NetworkSettings.Networks[network].IPAddress];
    }
    throw new HttpError(400, 'peer must be "postgres", "redis" or "core"');
  };
  const faultOf = (body: unknown): NetworkFault => {
    const b = (body ?? {}) as { lossPercent?: unknown; cut?: unknown; bitsPerSecond?: unknown };
    if (typeof b.lossPercent === 'number' && b.lossPercent > 0 && b.lossPercent <= 100) return { kind: 'loss', percent: b.lossPercent };
    if (b.cut === true) return { kind: 'cut' };
    if (typeof b.bitsPerSecond === 'number' && Number.isInteger(b.bitsPerSecond) && b.bitsPerSecond >= 8) return { kind: 'throttle', bitsPerSecond: b.bitsPerSecond };
    throw new HttpError(400, 'body needs one of lossPercent (0-100], cut: true, bitsPerSecond (integer >= 8)');
  };
  const liftNetworkFaults = async () => {
    // A container restarted since has a fresh namespace: nothing to lift there.
    await Promise.allSettled([...faulted].map(([name, id]) => (system.containerId?.(name) === id ? faults.lift(id) : undefined)));
    faulted.clear();
  };

  const restoreAll = async () => {
    await liftNetworkFaults();
    await environment.redis.restore(RESTORE_TIMEOUT_MS);
    for (const name of ['core', ...queueNames] as ServiceName[]) {
      if (!system.isRunning(name)) await system.restart(name);
    }
    await system.waitUntilReady(RESTORE_TIMEOUT_MS);
  };

  const routes: [method: string, pattern: RegExp, handler: (match: RegExpExecArray, body: unknown) => Promise<unknown>][] = [
    [
      'GET',
      /^\/state$/,
      async () => ({
        queueInstances: queueNames.map((name, i) => ({ instance: i + 1, running: system.isRunning(name) })),
        redisNodesDown: environment.redis.killedNodes().map((n) => n.name),
      }),
    ],
    [
      'POST',
      /^\/queue-instances\/([^/]+)\/kill$/,
      async (m) => {
        const name = queueInstance(m[1]);
        await system.kill(name);
        log(`infra: killed ${name}`);
        return { instance: Number(m[1]), running: false };
      },
    ],
    [
      'POST',
      /^\/queue-instances\/([^/]+)\/start$/,
      async (m) => {
        const name = queueInstance(m[1]);
        if (!system.isRunning(name)) await system.restart(name);
        log(`infra: ${name} running again`);
        return { instance: Number(m[1]), running: true };
      },
    ],
    ['POST', /^\/redis\/owner$/, async (_, body) => describeOwner(keyOf(body))],
    [
      'POST',
      /^\/redis\/kill-owner$/,
      async (_, body) => {
        const owner = await environment.redis.ownerOf(keyOf(body));
        if (owner.failing) throw new HttpError(409, `the master of slot ${owner.slot} (${owner.node.name}) is already down`);
        await environment.redis.kill(owner.node);
        log(`infra: killed Redis master ${owner.node.name} (slot ${owner.slot})`);
        return { slot: owner.slot, nodeId: owner.nodeId, node: owner.node.name };
      },
    ],
    [
      'POST',
      /^\/redis\/restore$/,
      async () => {
        const started = Date.now();
        await environment.redis.restore(RESTORE_TIMEOUT_MS);
        return { healthyAfterMs: Date.now() - started };
      },
    ],
    [
      'POST',
      /^\/postgres\/restart$/,
      async () => {
        const started = Date.now();
        await restartPostgres(environment.postgres, RESTORE_TIMEOUT_MS);
        log('infra: restarted PostgreSQL');
        return { acceptingAfterMs: Date.now() - started };
      },
    ],
    [
      'POST',
      /^\/network\/([^/]+)\/fault$/,
      async (m, body) => {
        const { name, id } = serviceContainer(m[1]);
        const peer = (body as { peer?: unknown })?.peer;
        const fault = faultOf(body);
        const peers = await peerAddresses(peer);
        await faults.apply(id, fault, peers);
        faulted.set(name, id);
        log(`infra: ${name} → ${String(peer)}: ${describeFault(fault)}`);
        return { service: name, peer, fault: describeFault(fault) };
      },
    ],
    [
      'POST',
      /^\/network\/restore$/,
      async () => {
        const lifted = faulted.size;
        await liftNetworkFaults();
        return { lifted };
      },
    ],
    [
      'POST',
      /^\/restore$/,
      async () => {
        const started = Date.now();
        await restoreAll();
        return { restoredAfterMs: Date.now() - started };
      },
    ],
  ];

  // One operation at a time: a scenario's "kill" and an After hook's "restore" never interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work, work);
    queue = result.catch(() => undefined);
    return result;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    try {
      const given = digest(req.headers.authorization ?? '');
      if (!timingSafeEqual(given, expected)) throw new HttpError(401, 'missing or wrong infra-control token');
      const url = new URL(req.url ?? '/', 'http://infra');
      for (const [method, pattern, handler] of routes) {
        const match = pattern.exec(url.pathname);
        if (!match) continue;
        if (req.method !== method) throw new HttpError(405, `${url.pathname} takes ${method}`);
        const body = await readJson(req);
        send(200, await serialized(() => handler(match, body)));
        return;
      }
      throw new HttpError(404, `no operation ${req.method} ${url.pathname}`);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      send(status, { error: (error as Error).message });
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Equal-length digests: the comparison takes the same time whatever was sent.
const digest = (value: string) => createHash('sha256').update(value).digest();

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new HttpError(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}
