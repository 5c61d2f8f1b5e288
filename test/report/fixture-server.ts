import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** How long /rendezvous holds a lone caller before answering that nobody came. */
const RENDEZVOUS_DEADLINE_MS = 500;

export type FixtureServer = {
  url: string;
  /** Every queue token handed out: none of them may appear unmasked in any report. */
  issuedTokens: string[];
  close(): Promise<void>;
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** A waiting room's statistics as the queue service answers them, for a room where fans only entered. */
const statsOf = (entered: number) => ({
  waiting: entered,
  ready: 0,
  active: 0,
  entered,
  exited: 0,
  expired: 0,
  completed: 0,
  admitted: 0,
  paused: false,
  measuredAdmitPerSecond: null,
  preQueued: 0,
  drawCommitment: null,
  drawSeed: null,
  shards: 1,
  shardWaiting: [entered],
  policy: { activeLimit: 1000, admitPerSecond: 200, readyTtlSeconds: 60, activeIdleSeconds: 300, holdSeconds: 300, sessionSeconds: 600, maxExtensions: 2, preQueueOpensAt: null, saleStartsAt: null, shards: 1 },
});

/**
 * A small real HTTP server for the reporting fixture suite: it answers like the queue service
 * where the fixture needs it (within the contract, which the suite holds every answer to, and
 * with statistics that agree with the entries made, which the suite checks after every scenario),
 * fails on purpose where a scenario must fail (a status check answered 503: the step that
 * expects 200 fails), and lets scenarios meet each other (/rendezvous) so parallel and @serial
 * scheduling is observable.
 */
export async function startFixtureServer(): Promise<FixtureServer> {
  const issuedTokens: string[] = [];
  let waiting: { release: (met: boolean) => void } | undefined;
  const entries = new Map<string, number>();

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = new URL(req.url ?? '/', 'http://fixture').pathname;
    if (req.method === 'POST' && path === '/admin/concerts') return send(res, 201, { concertId: 'fixture', seatCount: 1, price: 1 });
    const stats = /^\/admin\/concerts\/([^/]+)\/queue$/.exec(path);
    if (req.method === 'GET' && stats) return send(res, 200, statsOf(entries.get(decodeURIComponent(stats[1])) ?? 0));
    if (req.method === 'POST' && path === '/api/v1/queue/enter') {
      const { concertId } = JSON.parse(body) as { concertId: string };
      entries.set(concertId, (entries.get(concertId) ?? 0) + 1);
      const token = randomBytes(32).toString('base64url');
      issuedTokens.push(token);
      return send(res, 201, { status: 'WAITING', token, position: 1, totalWaiting: 1, estimatedWaitSeconds: 0, pollAfterMs: 1000 });
    }
    if (req.method === 'GET' && path === '/api/v1/queue/status') {
      // Echoes the token in free text on purpose: masking must catch it there too.
      const token = String(req.headers['x-queue-token'] ?? '');
      return send(res, 503, { error: { code: 'SERVICE_UNAVAILABLE', message: `status lookup for ${token} failed` } }, { 'retry-after': '1' });
    }
    if (req.method === 'POST' && path === '/rendezvous') {
      if (waiting) {
        waiting.release(true);
        waiting = undefined;
        return send(res, 200, { met: true });
      }
      const me = {
        release: (met: boolean) => {
          clearTimeout(timer);
          if (waiting === me) waiting = undefined;
          send(res, 200, { met });
        },
      };
      const timer = setTimeout(() => me.release(false), RENDEZVOUS_DEADLINE_MS);
      waiting = me;
      return;
    }
    send(res, 404, { error: { code: 'NOT_FOUND', message: `${req.method} ${path}` } });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    issuedTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
