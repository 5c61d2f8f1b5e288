import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { StartedReferenceSystem } from '../reference-system.ts';
import type { TestEnvironment } from '../test-environment.ts';
import { FaultRefusal, type FaultKind } from './fault-kind.ts';
import { networkFaults, sidecars } from './network.ts';
import { postgresRestart } from './postgres-restart.ts';
import { promoterStall } from './promoter-stall.ts';
import { queueInstanceFaults } from './queue-instances.ts';
import { redisNodeFaults } from './redis-nodes.ts';
import { redisReplicationFaults } from './redis-replication.ts';
import { shardedRoomFaults } from './sharded-rooms.ts';
import { faultRoutes, matchFaultRoute } from './routes.ts';

/**
 * Fault injection for scenarios. Cucumber workers are threads that own nothing; the containers
 * and the reference system's child processes belong to the coordinator
 * (environment/run-session.ts), so it serves this small HTTP API and workers call it
 * (support/driver/infrastructure.ts). Its routes are the table in routes.ts; each kind of fault
 * is a module of its own. It listens on 127.0.0.1 only and every call must carry a random
 * bearer token, so nothing else on the machine can kill nodes. Operations run one at a time,
 * in arrival order.
 */
export type FaultServer = { url: string; token: string; stop(): Promise<void> };

export async function startFaultServer(deps: {
  environment: TestEnvironment;
  system: StartedReferenceSystem;
  log?: (line: string) => void;
}): Promise<FaultServer> {
  const { environment, system } = deps;
  const log = deps.log ?? (() => undefined);
  const token = randomBytes(32).toString('base64url');
  const expected = digest(`Bearer ${token}`);

  // Restored in this order: links first, then the cluster, then the services that use it.
  const kinds: FaultKind[] = [
    networkFaults(environment, system, log),
    redisReplicationFaults(environment.redis, sidecars(), log),
    redisNodeFaults(environment.redis, log),
    promoterStall(environment.redis, log),
    shardedRoomFaults(environment.redis, log),
    queueInstanceFaults(system, log),
    postgresRestart(environment.postgres, log),
  ];
  const handlers = {
    ...Object.assign({}, ...kinds.map((kind) => kind.handlers)),
    state: async () => Object.assign({}, ...kinds.map((kind) => kind.state?.() ?? {})),
    restoreAll: async () => {
      const started = Date.now();
      for (const kind of kinds) await kind.restore?.();
      return { restoredAfterMs: Date.now() - started };
    },
  } as Required<FaultKind['handlers']>;
  const unserved = Object.keys(faultRoutes).filter((name) => !(name in handlers));
  if (unserved.length) throw new Error(`no fault kind serves ${unserved.join(', ')}`);

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
      if (!timingSafeEqual(given, expected)) throw new FaultRefusal(401, 'missing or wrong fault-injection token');
      const url = new URL(req.url ?? '/', 'http://infra');
      const route = matchFaultRoute(url.pathname);
      if (!route) throw new FaultRefusal(404, `no operation ${req.method} ${url.pathname}`);
      const { method } = faultRoutes[route.name];
      if (req.method !== method) throw new FaultRefusal(405, `${url.pathname} takes ${method}`);
      const body = await readJson(req);
      send(200, await serialized(() => handlers[route.name](route.params, body)));
    } catch (error) {
      const status = error instanceof FaultRefusal ? error.status : 500;
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
    if (size > 64 * 1024) throw new FaultRefusal(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new FaultRefusal(400, 'body is not JSON');
  }
}
