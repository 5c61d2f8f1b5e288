import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_ESTIMATE_SECONDS,
  MAX_POLL_MS,
  MIN_POLL_MS,
  earliestTurnSeconds,
  estimatedWaitSeconds,
  preQueuePollAfterMs,
  waitAdvice,
} from '../../reference-system/queue/wait-estimate.ts';

describe('wait estimates', () => {
  it('divides the position by the rate, rounding up', () => {
    assert.equal(estimatedWaitSeconds(1, 200), 1);
    assert.equal(estimatedWaitSeconds(1000, 200), 5);
    assert.equal(estimatedWaitSeconds(300_000, 200), 1500);
    assert.equal(estimatedWaitSeconds(3, 0.25), 12);
  });

  it('uses the measured rate, not the policy, once one was measured', () => {
    const basis = { admitPerSecond: 100, readyTtlSeconds: 60 };
    assert.equal(waitAdvice(300, { ...basis, measuredRate: null }).estimatedWaitSeconds, 3);
    assert.equal(waitAdvice(300, { ...basis, measuredRate: 2 }).estimatedWaitSeconds, 150);
  });

  it('says 0 for users who are not waiting and the maximum when nobody is being let in', () => {
    assert.equal(estimatedWaitSeconds(null, 200), 0);
    assert.equal(estimatedWaitSeconds(5, 0), MAX_ESTIMATE_SECONDS);
    assert.equal(estimatedWaitSeconds(5, Number.NaN), MAX_ESTIMATE_SECONDS);
    assert.equal(estimatedWaitSeconds(10_000_000, 0.01), MAX_ESTIMATE_SECONDS);
  });
});

describe('poll intervals', () => {
  const poll = (position: number | null, measuredRate: number | null = 200, readyTtlSeconds = 60, admitPerSecond = 200) =>
    waitAdvice(position, { measuredRate, admitPerSecond, readyTtlSeconds }).pollAfterMs;

  it('never shrinks as the position grows, so the back of the queue polls least', () => {
    for (const rate of [200, 20, 0]) {
      let previous = 0;
      for (let position = 1; position <= 300_000; position += 97) {
        const ms = poll(position, rate);
        assert.ok(ms >= previous, `rate ${rate}, position ${position}: ${ms} ms after ${previous} ms`);
        previous = ms;
      }
    }
    assert.equal(poll(1), MIN_POLL_MS);
    assert.equal(poll(300_000), MAX_POLL_MS);
  });

  it('asks at least twice before the estimated turn', () => {
    for (const position of [50, 500, 5000]) {
      const estimateMs = estimatedWaitSeconds(position, 200) * 1000;
      assert.ok(poll(position) <= Math.max(MIN_POLL_MS, estimateMs / 2));
    }
  });

  it('sleeps at most half the READY window unless the policy rate rules out an earlier turn', () => {
    // Position 2000 at most 200 a second: not admitted within 9 s, so may sleep 4.5 s.
    assert.equal(earliestTurnSeconds(2000, 200), 9);
    assert.equal(poll(2000, 1, 2), 4500);
    // Position 100 could be admitted at once: half of the 2 s READY window.
    assert.equal(poll(100, 1, 2), 1000);
    assert.ok(poll(300_000, 0.001, 86_400) <= MAX_POLL_MS);
  });

  it('gives READY and ACTIVE users (no position) the shortest interval', () => {
    assert.equal(poll(null), MIN_POLL_MS);
  });

  it('lets 300,000 waiting users poll at a rate the service can bear', () => {
    let perSecond = 0;
    for (let position = 1; position <= 300_000; position++) perSecond += 1000 / poll(position);
    // Everyone polling every second would be 300,000 requests per second.
    assert.ok(perSecond < 8000, `${Math.round(perSecond)} polls per second`);
  });
});

describe('poll intervals in a pre-queue', () => {
  it('asks again within a minute while the start is further off', () => {
    assert.equal(preQueuePollAfterMs(10 * 60_000, 60, 0.5), 60_000);
  });

  it('points just after the start, spread over at most half the READY window', () => {
    assert.equal(preQueuePollAfterMs(20_000, 60, 0), 20_000);
    assert.equal(preQueuePollAfterMs(20_000, 60, 0.999), 20_000 + Math.round(0.999 * 30_000));
    assert.equal(preQueuePollAfterMs(20_000, 600, 0.5), 20_000 + 30_000, 'the spread stays within a minute');
    assert.equal(preQueuePollAfterMs(-500, 60, 0), 1000, 'never sooner than a second');
  });
});
