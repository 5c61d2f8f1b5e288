import { Agent } from 'undici';
import { tolerantRequest } from './tolerant-request.ts';

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

const agent = new Agent({ connections: 32, headersTimeout: CLIENT_TIMEOUT_MS, bodyTimeout: CLIENT_TIMEOUT_MS });

const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: unknown) =>
  tolerantRequest(method, url, { headers, body, timeoutMs: CLIENT_TIMEOUT_MS, dispatcher: agent });

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
  const breather = () => new Promise((r) => setTimeout(r, 5));

  const enterLoop = async (loop: number) => {
    for (let seq = 0; running; seq++) {
      const instance = (loop + seq) % queueUrls.length;
      const userId = `${userPrefix}-${loop}-${seq}`;
      const res = await call('POST', `${queueUrls[instance]}/api/v1/queue/enter`, {}, { concertId, userId });
      answers.push({ op: 'enter', instance: instance + 1, status: res.status, code: res.body?.error?.code, startedAt: res.startedAt, durationMs: res.durationMs });
      if (res.status === 200 || res.status === 201) {
        acknowledged.push({ userId, token: res.body.token, loop, seq, ackAt: Date.now() });
      }
      await breather();
    }
  };

  const pollLoop = async (loop: number) => {
    for (let n = 0; running; n++) {
      const fan = acknowledged[Math.floor(Math.random() * acknowledged.length)];
      if (fan) {
        const instance = (loop + n) % queueUrls.length;
        const res = await call('GET', `${queueUrls[instance]}/api/v1/queue/status`, { 'x-queue-token': fan.token });
        answers.push({ op: 'status', instance: instance + 1, status: res.status, code: res.body?.error?.code, startedAt: res.startedAt, durationMs: res.durationMs });
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
