import { setTimeout as pause } from 'node:timers/promises';
import { eventually } from '../polling.ts';
import { routes, type Route } from '../driver/routes.ts';
import { schemas } from '../driver/schemas.ts';
import { ApiClient } from '../http/api-client.ts';

/**
 * Fans entering and polling the waiting room without pause while a fault is injected: every
 * answer is recorded (status, error code, how long it took), and so is every fan whose entry was
 * acknowledged, in the order each loop got its acknowledgements.
 */
export type TrafficAnswer = {
  op: 'enter' | 'status';
  instance: number;
  status: number; // 0: no answer within the client's timeout, or the connection failed
  code?: string;
  startedAt: number;
  durationMs: number;
};

export type AcknowledgedFan = { userId: string; token: string; loop: number; seq: number; ackAt: number };

export type QueueTraffic = {
  answers: TrafficAnswer[];
  acknowledged: AcknowledgedFan[];
  stop(): Promise<void>;
};

/** Longer than any answer the contract allows during a failover: a request this slow "hung". */
export const CLIENT_TIMEOUT_MS = 10_000;

const client = new ApiClient();

/** One request as a fan's app makes it; thousands of them, so they stay out of the transcript. */
async function call(baseUrl: string, [method, path]: Route, headers: Record<string, string>, body?: unknown) {
  const exchange = await client.send(method, `${baseUrl}${path}`, { headers, body, timeoutMs: CLIENT_TIMEOUT_MS, record: false });
  return {
    status: exchange.status,
    code: schemas.error.safeParse(exchange.body).data?.error.code,
    token: schemas.entry.safeParse(exchange.body).data?.token,
    startedAt: exchange.startedAt,
    durationMs: exchange.durationMs,
  };
}

export function startQueueTraffic(options: {
  queueUrls: string[];
  concertId: string;
  userPrefix: string;
  enterLoops?: number;
  pollLoops?: number;
}): QueueTraffic {
  const { queueUrls, concertId, userPrefix } = options;
  const answers: TrafficAnswer[] = [];
  const acknowledged: AcknowledgedFan[] = [];
  let running = true;
  // Pacing only: keeps a 2-core CI machine responsive; nothing waits on this for a condition.
  const breather = () => pause(5);

  const enterLoop = async (loop: number) => {
    for (let seq = 0; running; seq++) {
      const instance = (loop + seq) % queueUrls.length;
      const userId = `${userPrefix}-${loop}-${seq}`;
      const res = await call(queueUrls[instance], routes.queue.enter(), {}, { concertId, userId });
      answers.push({ op: 'enter', instance: instance + 1, status: res.status, code: res.code, startedAt: res.startedAt, durationMs: res.durationMs });
      if ((res.status === 200 || res.status === 201) && res.token) {
        acknowledged.push({ userId, token: res.token, loop, seq, ackAt: Date.now() });
      }
      await breather();
    }
  };

  const pollLoop = async (loop: number) => {
    for (let n = 0; running; n++) {
      const fan = acknowledged[Math.floor(Math.random() * acknowledged.length)];
      if (fan) {
        const instance = (loop + n) % queueUrls.length;
        const res = await call(queueUrls[instance], routes.queue.status(), { 'x-queue-token': fan.token });
        answers.push({ op: 'status', instance: instance + 1, status: res.status, code: res.code, startedAt: res.startedAt, durationMs: res.durationMs });
      }
      await breather();
    }
  };

  const loops = [
    ...Array.from({ length: options.enterLoops ?? 4 }, (_, i) => enterLoop(i)),
    ...Array.from({ length: options.pollLoops ?? 4 }, (_, i) => pollLoop(i)),
  ];
  return {
    answers,
    acknowledged,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** What the traffic saw in a window of time, for assertions and for the report. */
export function summarise(answers: TrafficAnswer[], from = 0, to = Number.POSITIVE_INFINITY) {
  const inWindow = answers.filter((a) => a.startedAt >= from && a.startedAt < to);
  const byOutcome = new Map<string, number>();
  for (const a of inWindow) {
    const key = a.status === 0 ? 'no answer' : `${a.status}${a.code ? ` ${a.code}` : ''}`;
    byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
  }
  return {
    requests: inWindow.length,
    slowestMs: Math.max(0, ...inWindow.map((a) => a.durationMs)),
    outcomes: Object.fromEntries([...byOutcome].sort()),
  };
}

/**
 * Waits (20 s) until the traffic has made 40 requests from `from` on, then returns those of them
 * that failed: what fans met after a recovery deadline.
 */
export async function failuresFrom(traffic: QueueTraffic, from: number): Promise<TrafficAnswer[]> {
  await eventually(async () => summarise(traffic.answers, from).requests, (n) => n >= 40, { what: 'traffic after the recovery deadline', timeoutMs: 20_000 });
  return traffic.answers.filter((a) => a.startedAt >= from && (a.status < 200 || a.status >= 300));
}

/**
 * First come, first served: of each two fans acknowledged one right after the other by the same
 * loop (one fan after another), the later must not be ahead of the earlier. Every such pair where
 * she is, as "later (position b) is ahead of earlier (position a), who entered first"; a fan
 * without a position counts as 0.
 */
export function overtakenWithinLoop(acknowledged: readonly AcknowledgedFan[], positions: ReadonlyMap<string, number>): string[] {
  const overtaken: string[] = [];
  for (let i = 1; i < acknowledged.length; i++) {
    const [earlier, later] = [acknowledged[i - 1], acknowledged[i]];
    if (earlier.loop !== later.loop) continue;
    const [a, b] = [positions.get(earlier.userId) ?? 0, positions.get(later.userId) ?? 0];
    if (!(a < b)) overtaken.push(`${later.userId} (position ${b}) is ahead of ${earlier.userId} (position ${a}), who entered first`);
  }
  return overtaken;
}
