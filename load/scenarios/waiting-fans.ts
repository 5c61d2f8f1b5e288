import { processCpuMs } from '../metrics/cpu.ts';
import { sleep as pause, threshold, type Scenario, type ScenarioOutcome } from '../scenario.ts';
import { instanceFor, queueCalls, type EntryReply } from '../calls/queue-calls.ts';
import { openStatusStream, streamAgent } from '../calls/status-stream.ts';

/**
 * What 10,000 waiting fans cost the queue, polling at their pollAfterMs or following their place
 * on a status stream (GET /api/v1/queue/events): CPU of the queue processes and of Redis per
 * waiting fan per minute, each way, in one run on the same room. Admission runs slowly
 * (front fans ahead are let in), so every waiting fan's position changes every second and a
 * stream has something to push; the room's own cost (promoter, nobody asking) is measured
 * first and taken off both.
 */
export const waitingFans: Scenario = {
  name: 'waiting-fans',
  summary: '10,000 fans waiting behind 3,000 being let in at 10/s: CPU per waiting fan per minute, polling at pollAfterMs vs on status streams',
  async run(ctx): Promise<ScenarioOutcome> {
    const { http, admin, target, smoke, timeScale, runId, log } = ctx;
    const fans = smoke ? 200 : 10_000;
    const front = smoke ? 100 : 3_000;
    const admitPerSecond = smoke ? 5 : 10;
    const windowS = Math.max(3, (smoke ? 4 : 60) * timeScale);
    const settleS = smoke ? 2 : 10;
    const queue = queueCalls(http);
    ctx.showSteps('enter', 'poll');

    const concertId = `load-wait-${runId}`;
    await admin.createConcert(concertId, 10);
    await admin.setPolicy(concertId, { activeLimit: 1_000_000, admitPerSecond, readyTtlSeconds: 60 });
    await admin.pause(concertId);

    // The front, then the fans measured; a few hundred entries in flight at a time.
    const tokens: string[] = new Array(fans);
    const firstAdvice: number[] = new Array(fans);
    await inBatches(front + fans, 200, async (i) => {
      const reply = await queue.enter(instanceFor(target.queueUrls, i), concertId, `${runId}-${i < front ? 'f' : 'w'}${i}`);
      if (reply.status !== 201) throw new Error(`entering fan ${i} failed: ${reply.status}`);
      if (i >= front) {
        tokens[i - front] = (reply.body as EntryReply).token;
        firstAdvice[i - front] = (reply.body as { pollAfterMs: number }).pollAfterMs;
      }
    });
    await admin.resume(concertId);
    log(`${front + fans} fans entered; ${fans} of them wait behind ${front} let in at ${admitPerSecond}/s`);

    const queuePids = target.processes.filter((p) => p.name.startsWith('queue')).map((p) => p.pid);
    const redisPids = target.processes.filter((p) => p.name.startsWith('redis')).map((p) => p.pid);
    const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + (processCpuMs(pid) || 0), 0);
    /** CPU ms of the queue processes and Redis over `seconds` of wall time. */
    const measure = async (seconds: number) => {
      const before = { queue: cpuOf(queuePids), redis: cpuOf(redisPids), at: performance.now() };
      await pause(seconds * 1000);
      const wallS = (performance.now() - before.at) / 1000;
      return { queue: cpuOf(queuePids) - before.queue, redis: cpuOf(redisPids) - before.redis, wallS };
    };
    const origin = (i: number) => instanceFor(target.queueUrls, front + i);

    await pause(settleS * 1000);
    const idle = await measure(windowS);
    log(`nobody asking: queue ${Math.round(idle.queue)} ms, Redis ${Math.round(idle.redis)} ms of CPU in ${idle.wallS.toFixed(1)} s`);

    // Polling: each fan asks again after the pollAfterMs of the answer before, first after a
    // random share of the advice her entry gave (fans arrived over time, not in one instant).
    const timers = new Set<NodeJS.Timeout>();
    let polling = true;
    let polls = 0;
    let pollErrors = 0;
    const pollLoop = (i: number, afterMs: number) => {
      const timer = setTimeout(async () => {
        timers.delete(timer);
        if (!polling) return;
        const reply = await queue.status(origin(i), tokens[i]);
        polls++;
        if (reply.status !== 200) pollErrors++;
        if (polling) pollLoop(i, reply.status === 200 ? (reply.body as { pollAfterMs: number }).pollAfterMs : 1000);
      }, afterMs);
      timers.add(timer);
    };
    for (let i = 0; i < fans; i++) pollLoop(i, Math.random() * firstAdvice[i]);
    await pause(settleS * 1000);
    const pollsBefore = polls;
    const polled = await measure(windowS);
    const pollsInWindow = polls - pollsBefore;
    polling = false;
    for (const timer of timers) clearTimeout(timer);
    log(`polling: ${pollsInWindow} polls in the window, queue ${Math.round(polled.queue)} ms, Redis ${Math.round(polled.redis)} ms of CPU`);

    // Streams: every fan opens one, a few hundred at a time, and keeps it.
    const agent = streamAgent();
    const aborts: AbortController[] = [];
    let pushes = 0;
    let comments = 0;
    let refused = 0;
    let endedEarly = 0;
    await inBatches(fans, 200, async (i) => {
      const abort = new AbortController();
      aborts.push(abort);
      const { messages } = await openStatusStream(agent, origin(i), tokens[i], { signal: abort.signal });
      if (!messages) {
        refused++;
        return;
      }
      void (async () => {
        try {
          for await (const message of messages) {
            if (message.kind === 'status') pushes++;
            else comments++;
          }
          endedEarly++;
        } catch {
          // aborted at the end of the run
        }
      })();
    });
    await pause(settleS * 1000);
    const pushesBefore = pushes;
    const commentsBefore = comments;
    const streamed = await measure(windowS);
    const pushesInWindow = pushes - pushesBefore;
    const commentsInWindow = comments - commentsBefore;
    for (const abort of aborts) abort.abort();
    await agent.close().catch(() => undefined);
    log(`streams: ${pushesInWindow} status events and ${commentsInWindow} heartbeats in the window, queue ${Math.round(streamed.queue)} ms, Redis ${Math.round(streamed.redis)} ms of CPU`);

    /** CPU ms per waiting fan per minute, above the room's own (idle) cost. */
    const perFanMinute = (m: { queue: number; redis: number; wallS: number }, part: 'queue' | 'redis') =>
      Math.max(0, m[part] / m.wallS - idle[part] / idle.wallS) * 60 / fans;
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    const pollQueue = perFanMinute(polled, 'queue');
    const pollRedis = perFanMinute(polled, 'redis');
    const streamQueue = perFanMinute(streamed, 'queue');
    const streamRedis = perFanMinute(streamed, 'redis');
    const ratio = (pollQueue + pollRedis) > 0 ? (streamQueue + streamRedis) / (pollQueue + pollRedis) : null;

    return {
      phases: {},
      figures: {
        'waiting fans': fans,
        'measuring window (s)': windowS,
        'polling: polls per fan per minute': round((pollsInWindow / polled.wallS) * 60 / fans),
        'polling: poll errors': pollErrors,
        'polling: CPU ms per waiting fan per minute (queue / Redis)': `${round(pollQueue)} / ${round(pollRedis)}`,
        'streams: streams refused': refused,
        'streams: ended by the server early': endedEarly,
        'streams: status events per fan per minute': round((pushesInWindow / streamed.wallS) * 60 / fans),
        'streams: heartbeats per fan per minute': round((commentsInWindow / streamed.wallS) * 60 / fans),
        'streams: CPU ms per waiting fan per minute (queue / Redis)': `${round(streamQueue)} / ${round(streamRedis)}`,
        'streams ÷ polling, CPU (queue + Redis)': ratio === null ? null : Math.round(ratio * 100) / 100,
        'room alone, CPU ms per second (queue / Redis)': `${round(idle.queue / idle.wallS)} / ${round(idle.redis / idle.wallS)}`,
      },
      thresholds: [
        threshold('every stream opened', 'target', refused, '==', 0),
        threshold('streams cost less than polling (CPU ratio)', 'target', ratio, '<', 1),
      ],
      notes: [
        'CPU is the queue processes\' and the Redis nodes\' (from /proc), above what the room costs with nobody asking; the generator\'s own is not counted.',
        'Polling fans ask at the pollAfterMs each answer gives; streams push position changes at that pace too (at most once a second) and status changes at once.',
      ],
    };
  },
};

/** Runs `work(0 … n-1)` with at most `inFlight` at a time. */
async function inBatches(n: number, inFlight: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}
