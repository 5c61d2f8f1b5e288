import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../reference-system/shared/errors.ts';
import { createRateLimiter, queueRateLimitsFromEnv } from '../../reference-system/queue/rate-limit.ts';

const refusal = (fn: () => void): ApiError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  assert.fail('expected a refusal');
};

test('lets a user make perMinute requests at once, then refuses with 429 RATE_LIMITED and Retry-After', () => {
  const limiter = createRateLimiter(3, 'enter');
  const t = 1_000_000;
  for (let i = 0; i < 3; i++) limiter.take('alice', t);
  const error = refusal(() => limiter.take('alice', t));
  assert.equal(error.status, 429);
  assert.equal(error.code, 'RATE_LIMITED');
  assert.equal(error.headers['retry-after'], '20', 'one request refills every 60/3 = 20 s');
});

test('refills over time at perMinute a minute, never beyond the burst', () => {
  const limiter = createRateLimiter(60, 'status');
  const t = 5_000_000;
  for (let i = 0; i < 60; i++) limiter.take('bob', t);
  assert.equal(refusal(() => limiter.take('bob', t)).headers['retry-after'], '1');
  limiter.take('bob', t + 1000); // one second later: one more
  assert.throws(() => limiter.take('bob', t + 1000));
  // An hour idle refills to the burst of 60, not 3,600.
  for (let i = 0; i < 60; i++) limiter.take('bob', t + 3_600_000);
  assert.throws(() => limiter.take('bob', t + 3_600_000));
});

test('users do not share a budget', () => {
  const limiter = createRateLimiter(1, 'enter');
  limiter.take('alice', 0);
  limiter.take('bob', 0);
  assert.throws(() => limiter.take('alice', 0));
});

test('configured from the environment; 0 turns a limit off; nonsense is a config error', () => {
  const saved = { ...process.env };
  try {
    process.env.RATE_LIMIT_ENTER_PER_MINUTE = '0';
    process.env.RATE_LIMIT_STATUS_PER_MINUTE = '2';
    const limits = queueRateLimitsFromEnv();
    for (let i = 0; i < 1000; i++) limits.enter.take('carol');
    limits.status.take('carol');
    limits.status.take('carol');
    assert.throws(() => limits.status.take('carol'), /too many status requests/);
    process.env.RATE_LIMIT_ENTER_PER_MINUTE = '-1';
    assert.throws(() => queueRateLimitsFromEnv(), /RATE_LIMIT_ENTER_PER_MINUTE/);
    process.env.RATE_LIMIT_ENTER_PER_MINUTE = 'lots';
    assert.throws(() => queueRateLimitsFromEnv(), /must be an integer/);
  } finally {
    process.env = saved;
  }
});

test('a user refused stays refused until a request refills; a refusal takes nothing', () => {
  const limiter = createRateLimiter(2, 'enter');
  limiter.take('dave', 0);
  limiter.take('dave', 0);
  for (let i = 0; i < 10; i++) assert.throws(() => limiter.take('dave', 1_000));
  // 30 s refill one request whatever the refusals in between.
  limiter.take('dave', 30_000);
  assert.throws(() => limiter.take('dave', 30_000));
});

test('remembers at most 200,000 users in two generations, forgetting the older one at once', () => {
  const limiter = createRateLimiter(1, 'enter');
  for (let i = 0; i < 200_001; i++) limiter.take(`user-${i}`, 0);
  limiter.take('user-0', 0); // forgotten: a full budget again
  assert.throws(() => limiter.take('user-200000', 0));
});

test('a user from the older generation is still limited', () => {
  const limiter = createRateLimiter(1, 'enter');
  limiter.take('eve', 0);
  for (let i = 0; i < 100_000; i++) limiter.take(`fan-${i}`, 0); // the generation fills and turns over
  assert.throws(() => limiter.take('eve', 0));
});
