import { request } from 'undici';
import { target } from './target.ts';

/**
 * Fault injection from a cucumber worker: calls the runner's infra-control server
 * (scripts/environment/infra-control.ts). Only a managed target has one; @infra scenarios are
 * skipped elsewhere. Calls are not recorded in the World's exchanges: they carry the infra
 * token, and reports show what the system under test answered, not the test harness.
 */
export type SlotOwner = { slot: number; nodeId: string; node: string; failing: boolean };

const infraUrl = () => {
  if (!target.infraUrl) throw new Error('this target has no fault-injection server: fault injection needs a managed target (npm run e2e)');
  return target.infraUrl;
};

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await request(`${infraUrl()}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.infraToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    // Restoring a cluster can take a while on a busy machine; never forever.
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`infra-control ${method} ${path} answered ${res.statusCode}: ${text}`);
  return JSON.parse(text) as T;
}

/** Every key of a concert's waiting room carries this hash tag, so it names their slot. */
const concertSlotKey = (concertId: string) => `{${concertId}}`;

export const infraApi = {
  available: () => Boolean(target.infraUrl),
  state: () => call<{ queueInstances: { instance: number; running: boolean }[]; redisNodesDown: string[] }>('GET', '/state'),
  killQueueInstance: (instance: number) => call('POST', `/queue-instances/${instance}/kill`),
  startQueueInstance: (instance: number) => call('POST', `/queue-instances/${instance}/start`),
  redisOwnerOfConcert: (concertId: string) => call<SlotOwner>('POST', '/redis/owner', { key: concertSlotKey(concertId) }),
  killRedisMasterOfConcert: (concertId: string) =>
    call<Omit<SlotOwner, 'failing'>>('POST', '/redis/kill-owner', { key: concertSlotKey(concertId) }),
  restoreRedis: () => call<{ healthyAfterMs: number }>('POST', '/redis/restore'),
  restartPostgres: () => call<{ acceptingAfterMs: number }>('POST', '/postgres/restart'),
  /** Undoes every fault still in place and waits until all services are ready. */
  restoreAll: () => call<{ restoredAfterMs: number }>('POST', '/restore'),
};
