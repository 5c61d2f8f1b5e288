import assert from 'node:assert/strict';
import { adminApi } from './admin-api.ts';
import type { Exchange } from './http/api-client.ts';
import { eventually } from './polling.ts';
import { queueApi } from './queue-api.ts';
import type { TicketWorld } from './world.ts';

/** What enter and status answer (status has no token). */
export type EntryBody = {
  status: 'WAITING' | 'READY' | 'ACTIVE';
  token?: string;
  position: number | null;
  totalWaiting: number;
  estimatedWaitSeconds: number;
  expiresAt?: string | null;
  pollAfterMs: number;
};

/** What the operator's statistics call answers. */
export type QueueStats = {
  waiting: number;
  ready: number;
  active: number;
  entered: number;
  exited: number;
  expired: number;
  completed: number;
  paused?: boolean;
  policy?: Record<string, number>;
};

const show = (res: Exchange) => `${res.status} ${JSON.stringify(res.body)}`;

/** A fan enters (through queue instance `instance`); keeps the token the answer carries. */
export async function enterQueue(world: TicketWorld, name: string, options: { instance?: number; concert?: string } = {}) {
  const fan = world.fan(name);
  const res = await queueApi.enter(world.api, world.queueUrl(options.instance), {
    concertId: world.concertId(options.concert),
    userId: fan.userId,
  });
  assert.ok(res.status === 201 || res.status === 200, `${name} entering answered ${show(res)}`);
  fan.lastEntry = res;
  fan.token = (res.body as EntryBody).token;
  return res;
}

export function tokenOf(world: TicketWorld, name: string): string {
  const token = world.fan(name).token;
  assert.ok(token, `${name} has no token yet`);
  return token;
}

export function statusOf(world: TicketWorld, name: string, instance = 1) {
  return queueApi.status(world.api, world.queueUrl(instance), tokenOf(world, name));
}

/** Status and body only: what a timed-out wait reports, without the token the request carried. */
const answerOf = async (exchange: Promise<Exchange>) => {
  const { status, body } = await exchange;
  return { status, body };
};

/** Waits (bounded) until the fan's status is `status`, e.g. until they are let in. */
export async function waitForStatus(world: TicketWorld, name: string, status: EntryBody['status'], instance = 1, timeoutMs = 15_000) {
  const res = await eventually(
    () => answerOf(statusOf(world, name, instance)),
    (r) => r.status === 200 && (r.body as EntryBody).status === status,
    { what: `${name} to be ${status}`, timeoutMs },
  );
  return res.body as EntryBody;
}

/** Waits (bounded) until the fan's token answers 410 TOKEN_EXPIRED. */
export async function waitUntilExpired(world: TicketWorld, name: string, instance = 1, timeoutMs = 15_000) {
  await eventually(
    () => answerOf(statusOf(world, name, instance)),
    (r) => r.status === 410,
    { what: `${name}'s token to expire`, timeoutMs },
  );
}

/** Enter, wait until admitted, activate: the path every buyer takes before booking. */
export async function becomeActive(world: TicketWorld, name: string, concert = 'the concert'): Promise<string> {
  await enterQueue(world, name, { concert });
  const token = tokenOf(world, name);
  const queueUrl = world.queueUrl();
  await eventually(
    () => answerOf(queueApi.status(world.api, queueUrl, token)),
    (res) => res.status === 200 && ['READY', 'ACTIVE'].includes((res.body as EntryBody).status),
    { what: `${name} to be admitted`, timeoutMs: 15_000 },
  );
  const activated = await queueApi.activate(world.api, queueUrl, token);
  assert.equal(activated.status, 200, `activate answered ${show(activated)}`);
  return token;
}

export async function setQueuePolicy(world: TicketWorld, changes: Record<string, number>, instance = 1) {
  const res = await adminApi.setQueuePolicy(world.api, world.queueUrl(instance), world.concertId(), changes);
  assert.equal(res.status, 200, `setting the policy answered ${show(res)}`);
  return res.body as Record<string, number>;
}

export async function queueStats(world: TicketWorld, instance = 1): Promise<QueueStats> {
  const res = await adminApi.queueStats(world.api, world.queueUrl(instance), world.concertId());
  assert.equal(res.status, 200, `the statistics answered ${show(res)}`);
  return res.body as QueueStats;
}
