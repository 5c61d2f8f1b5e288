import { admissionOrderViolations } from '../checks/fifo.ts';
import { runArrivals } from '../engine/open-model.ts';
import { sleep, threshold, type Scenario, type ScenarioOutcome } from '../scenario.ts';
import { instanceFor, queueCalls, type EntryReply, type StatusReply } from '../calls/queue-calls.ts';
import { openStatusStream, streamAgent } from '../calls/status-stream.ts';

/**
 * The seed's circulation: 2,000 new users/s for 3 min; each enters, polls every second until
 * READY (at most 60 s), activates, stays 5–30 s and exits. Circulation = exits ÷ admissions,
 * both as the users saw them. Every user's journey is bounded (60 s wait + 30 s stay), and the
 * run waits for the last ones to leave, so circulation counts every admitted user's exit.
 * With --status=stream a waiting user follows a status stream instead of polling and activates
 * on its READY event (polling again only if the stream is refused or ends early).
 */
export const circulation: Scenario = {
  name: 'circulation',
  summary: '2,000 new users/s for 3 min: enter, poll 1/s until READY (≤ 60 s), activate, stay 5–30 s, exit',
  // Admission within a quarter second of entering, so most users see READY at their first poll.
  serviceEnv: { PROMOTER_INTERVAL_MS: '250' },
  followsStatus: true,
  async run(ctx): Promise<ScenarioOutcome> {
    const { http, admin, recorder, target, smoke, scale, timeScale, runId, status } = ctx;
    const rate = (smoke ? 100 : 2000) * scale;
    const durationS = (smoke ? 2 : 180) * timeScale;
    const [stayMin, stayMax] = smoke ? [500, 1_000] : [5_000, 30_000];
    const pollMs = 1_000;
    const maxWaitMs = smoke ? 20_000 : 60_000;
    // Room for everyone admitted to stay: ~rate × mean stay, with margin; admission never the limit.
    const policy = { activeLimit: Math.ceil(rate * (stayMax / 1000) * 2), admitPerSecond: Math.ceil(rate * 5), readyTtlSeconds: 60, activeIdleSeconds: 120 };

    const concertId = `load-circ-${runId}`;
    const warmupConcert = `${concertId}-warmup`;
    for (const c of [concertId, warmupConcert]) {
      await admin.createConcert(c, 10);
      await admin.setPolicy(c, policy);
    }
    const queue = queueCalls(http);
    const streams = status === 'stream' ? streamAgent() : undefined;
    ctx.showSteps('enter', streams ? 'stream' : 'poll', 'exit');

    const n = Math.round(rate * durationS);
    const sentAt = new Float64Array(n).fill(Number.NaN);
    const answeredAt = new Float64Array(n).fill(Number.NaN);
    const lastWaitingSentAt = new Float64Array(n).fill(-Infinity);
    const admittedSeenAt = new Float64Array(n).fill(Infinity);
    let positionRose = 0;

    const user = async (i: number, concertId: string) => {
      const origin = instanceFor(target.queueUrls, i);
      const t0 = performance.now();
      sentAt[i] = t0;
      const entered = await queue.enter(origin, concertId, `${runId}-${concertId === warmupConcert ? 'w' : 'u'}${i}`);
      answeredAt[i] = performance.now();
      if (entered.status !== 201) return;
      recorder.count('entered');
      const { token, ...first } = entered.body as EntryReply;
      let state = first.status;
      let position = first.position ?? 0;
      if (state === 'WAITING') lastWaitingSentAt[i] = t0;

      if (state === 'WAITING' && streams) {
        // The stream's send time stands for every WAITING it pushes: the server read each after it.
        const opened = performance.now();
        const abort = new AbortController();
        const giveUp = setTimeout(() => abort.abort(), maxWaitMs - (opened - t0));
        const { messages } = await openStatusStream(streams, origin, token, { signal: abort.signal, timing: { recorder, step: 'stream' } });
        try {
          for await (const message of messages ?? []) {
            if (message.kind !== 'status') continue;
            if ('error' in message.body) {
              recorder.count('expired while waiting');
              return;
            }
            state = message.body.status;
            if (state !== 'WAITING') break;
            lastWaitingSentAt[i] = opened;
            if ((message.body.position ?? 0) > position) positionRose++;
            position = message.body.position ?? 0;
          }
          if (messages && state === 'WAITING') recorder.count('streams ended while waiting');
        } catch {
          recorder.count('gave up waiting');
          await queue.exit(origin, token);
          return;
        } finally {
          clearTimeout(giveUp);
        }
      }

      while (state === 'WAITING') {
        if (performance.now() - t0 + pollMs > maxWaitMs) {
          recorder.count('gave up waiting');
          await queue.exit(origin, token);
          return;
        }
        await sleep(pollMs);
        const asked = performance.now();
        const r = await queue.status(origin, token);
        if (r.status === 410) {
          recorder.count('expired while waiting');
          return;
        }
        if (r.status !== 200) continue; // counted as an error; the next poll may do better
        const body = r.body as StatusReply;
        state = body.status;
        if (state === 'WAITING') {
          lastWaitingSentAt[i] = asked;
          if ((body.position ?? 0) > position) positionRose++;
          position = body.position ?? 0;
        }
      }
      admittedSeenAt[i] = performance.now();
      recorder.count('admitted');
      recorder.observe('admission wait', admittedSeenAt[i] - t0);
      if (state === 'READY') {
        const a = await queue.activate(origin, token);
        if (a.status !== 200) return;
      }
      recorder.observe('activation wait', performance.now() - t0);
      const [lo, hi] = concertId === warmupConcert ? [500, 1_000] : [stayMin, stayMax];
      await sleep(lo + Math.random() * (hi - lo));
      const e = await queue.exit(origin, token);
      if (e.status === 204) recorder.count('exited');
    };

    // Warm-up, not measured: a fifth of the rate for 5 s with short stays, on its own concert,
    // so JIT compilation and connection set-up do not land in the first seconds of the run.
    if (!smoke) {
      ctx.log('warm-up: 5 s at a fifth of the rate, not measured');
      const warm = { stages: [{ rate: rate / 5, durationS: 5 }], maxInFlight: 200_000, drainMs: 30_000, recorder };
      await runArrivals({ ...warm, iteration: (i) => user(i, warmupConcert) });
      recorder.reset();
      sentAt.fill(Number.NaN);
      answeredAt.fill(Number.NaN);
      lastWaitingSentAt.fill(-Infinity);
      admittedSeenAt.fill(Infinity);
      positionRose = 0;
    }
    let atEndOfArrivals = { admitted: 0, exited: 0 };
    const arrivalEnd = setTimeout(() => {
      atEndOfArrivals = { admitted: recorder.counter('admitted'), exited: recorder.counter('exited') };
    }, durationS * 1000);
    ctx.log(`${rate} users/s for ${durationS} s (${n} users), policy ${JSON.stringify(policy)}`);
    const phase = await runArrivals({
      stages: [{ rate, durationS }],
      maxInFlight: 200_000,
      drainMs: maxWaitMs + stayMax + 20_000,
      recorder,
      iteration: (i) => user(i, concertId),
    });
    clearTimeout(arrivalEnd);
    await streams?.close().catch(() => undefined);

    const stats = await admin.stats(concertId);
    const admitted = recorder.counter('admitted');
    const exited = recorder.counter('exited');
    const circulationPct = admitted ? (exited / admitted) * 100 : null;
    const users = Array.from({ length: n }, (_, i) => ({
      sentAt: sentAt[i],
      answeredAt: answeredAt[i],
      lastWaitingSentAt: lastWaitingSentAt[i],
      admittedSeenAt: admittedSeenAt[i],
    })).filter((u) => Number.isFinite(u.answeredAt));
    const admissionViolations = admissionOrderViolations(users);
    const activation = recorder.distribution('activation wait');
    const step = (s: string) => recorder.stepSummary(s);
    const steps = ['enter', 'poll', 'stream', 'activate', 'exit'];
    const requests = steps.reduce((sum, s) => sum + recorder.stepRequests(s), 0);
    const errors = steps.reduce((sum, s) => sum + (recorder.stepRequests(s) ? step(s).errors : 0), 0);
    const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

    return {
      phases: { arrivals: phase },
      figures: {
        'waiting users follow their place': streams ? 'on status streams (GET /api/v1/queue/events)' : 'polling GET /status every second',
        'users entered': recorder.counter('entered'),
        'admitted (seen READY)': admitted,
        'exited': exited,
        'circulation % (exits ÷ admissions, after the last user left)': round1(circulationPct),
        'circulation % when arrivals ended (k6-style cut-off)': round1(atEndOfArrivals.admitted ? (atEndOfArrivals.exited / atEndOfArrivals.admitted) * 100 : null),
        'gave up waiting (60 s)': recorder.counter('gave up waiting'),
        'expired while waiting': recorder.counter('expired while waiting'),
        ...(streams ? { 'streams ended while waiting (then polled)': recorder.counter('streams ended while waiting') } : {}),
        'activation wait P95 s': activation ? Math.round(activation.p95) / 1000 : null,
        'positions that rose between polls': positionRose,
        'admitted while an earlier user still waited': admissionViolations,
        'FIFO violations': positionRose + admissionViolations,
        'server: entered / exited / expired': `${stats.entered} / ${stats.exited} / ${stats.expired}`,
        'server at the end: waiting / ready / active': `${stats.waiting} / ${stats.ready} / ${stats.active}`,
        'request error rate %': Math.round((errors / Math.max(1, requests)) * 100_000) / 1000,
      },
      thresholds: [
        threshold('enter P95', 'seed', step('enter').p95, '<', 200, 'ms'),
        streams ? threshold('stream open P95', 'seed', step('stream').p95, '<', 100, 'ms') : threshold('poll P95', 'seed', step('poll').p95, '<', 100, 'ms'),
        threshold('exit P95', 'seed', step('exit').p95, '<', 100, 'ms'),
        threshold('activation wait P95', 'seed', activation ? Math.round(activation.p95) / 1000 : null, '<', 30, 's'),
        threshold('circulation', 'target', round1(circulationPct), '>=', 98, '%'),
        threshold('activation wait P95', 'target', activation ? Math.round(activation.p95) / 1000 : null, '<=', 2, 's'),
        threshold('dropped iterations', 'target', phase.dropped, '==', 0),
        threshold('request errors', 'target', errors, '==', 0),
        threshold('FIFO violations', 'target', positionRose + admissionViolations, '==', 0),
      ],
      notes: [
        `Policy set through the admin API: ${JSON.stringify(policy)} (activeLimit ≈ 2 × rate × longest stay, so capacity never throttles; admitPerSecond 5 × arrivals so the token bucket never does).`,
        target.serviceEnv.PROMOTER_INTERVAL_MS
          ? `Queue instances run with PROMOTER_INTERVAL_MS=${target.serviceEnv.PROMOTER_INTERVAL_MS} (admission within that many ms, so most users see READY at their first poll).`
          : "The target's promoter runs at its own interval (a managed target's every 250 ms): activation waits include it.",
      ],
    };
  },
};
