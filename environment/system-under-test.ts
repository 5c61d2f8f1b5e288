/**
 * The system under test, and how cucumber's coordinator hands it to the worker threads. The
 * coordinator learns it once per run (environment/run-session.ts starts the managed target, or
 * reads E2E_* variables describing an external one such as staging); workers ask for it before
 * their first scenario (support/hooks/system-under-test.ts) and steps read it through
 * support/target.ts.
 *
 * Workers are threads that got their copy of process.env before the coordinator started
 * anything, so the description travels over a BroadcastChannel (in memory: it carries the
 * admin token, which must not be written to disk), not through the environment. This module is
 * the one part of environment/ a worker loads: it starts nothing.
 */
import { BroadcastChannel } from 'node:worker_threads';

export type SystemUnderTest = {
  /** True when this run started the system itself and may steer its infrastructure. */
  managed: boolean;
  coreUrl: string;
  queueUrls: string[];
  /** The payment gateway stub's URL; empty where it cannot be steered. */
  gatewayUrl: string;
  adminToken: string;
  /** Read-only SQL for assertions about money and seats; empty where not given. */
  databaseUrl: string;
  /** Where the services' logs can be read (reports/logs of a managed run, E2E_LOG_DIR); empty where they cannot. */
  logDir: string;
  /** The runner's fault-injection server (managed targets only) and its bearer token. */
  infraUrl: string;
  infraToken: string;
  /** The services run in containers the fault-injection server can fault the links of (E2E_SYSTEM=containers). */
  networkFaults: boolean;
};

const CHANNEL = 'ticket-rush:system-under-test';

type Message = { type: 'request' } | { type: 'target'; target: SystemUnderTest } | { type: 'unavailable'; reason: string };

let current: SystemUnderTest | undefined;
let unavailable: string | undefined;
let served: BroadcastChannel | undefined;

/**
 * This thread's system under test; throws, saying why, while it is not known (the run could not
 * start it, or this code runs outside `npx cucumber-js`).
 */
export function knownTarget(): SystemUnderTest {
  if (current) return current;
  throw new Error(
    unavailable
      ? `the system under test is not available: ${unavailable}`
      : 'the system under test is not known yet: run the suite with `npx cucumber-js` or `npm run e2e` (see README)',
  );
}

/** Coordinator: makes `described` the target of this thread and answers every worker that asks. */
export function serveTarget(described: SystemUnderTest): void {
  current = described;
  answerWorkers({ type: 'target', target: described });
}

/** Coordinator: the system could not be started; workers asking are told why at once. */
export function serveUnavailable(reason: string): void {
  unavailable = reason;
  answerWorkers({ type: 'unavailable', reason });
}

export function stopServingTarget(): void {
  served?.close();
  served = undefined;
}

function answerWorkers(answer: Message): void {
  stopServingTarget();
  served = new BroadcastChannel(CHANNEL);
  served.onmessage = (event) => {
    if ((event.data as Message).type === 'request') served?.postMessage(answer);
  };
  // Answering must never keep the process alive on its own.
  served.unref();
}

/**
 * Worker: asks the coordinator for the target. In a serial run (no workers) the coordinator's
 * hook ran in this very thread and the answer is already here.
 */
export async function receiveTarget(timeoutMs = 30_000): Promise<SystemUnderTest> {
  if (current) return current;
  if (unavailable) throw new Error(`the system under test is not available: ${unavailable}`);
  const channel = new BroadcastChannel(CHANNEL);
  try {
    return await new Promise<SystemUnderTest>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer from the coordinator about the system under test within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      channel.onmessage = (event) => {
        const message = event.data as Message;
        if (message.type === 'target') {
          clearTimeout(timer);
          current = message.target;
          resolve(message.target);
        } else if (message.type === 'unavailable') {
          clearTimeout(timer);
          unavailable = message.reason;
          reject(new Error(`the system under test is not available: ${message.reason}`));
        }
      };
      channel.postMessage({ type: 'request' } satisfies Message);
    });
  } finally {
    channel.close();
  }
}
