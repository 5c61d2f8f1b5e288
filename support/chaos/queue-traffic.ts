import { setTimeout as pause } from 'node:timers/promises';
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
