import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runArrivals } from '../../load/engine/open-model.ts';
import { Recorder } from '../../load/metrics/recorder.ts';

test('open model: starts iterations on schedule and drops arrivals beyond maxInFlight', async () => {
  const recorder = new Recorder();
  const started: number[] = [];
  const result = await runArrivals({
    stages: [{ rate: 200, durationS: 0.5 }, { rate: 400, durationS: 0.25 }],
    maxInFlight: 10,
    drainMs: 2_000,
    recorder,
    // Each iteration lasts 100 ms: 200/s needs ~20 in flight, so about half are dropped.
    iteration: async (i) => {
      started.push(i);
      await new Promise((r) => setTimeout(r, 100));
    },
  });
  assert.equal(result.scheduled, 200, '100 + 100 arrivals');
  assert.equal(result.started + result.dropped, 200);
  assert.ok(result.dropped > 50, `expected drops with 10 in flight, got ${result.dropped}`);
  assert.equal(result.unfinished, 0, 'drained');
  assert.deepEqual(started, [...started].sort((a, b) => a - b), 'in arrival order');
  assert.ok(result.arrivalSeconds >= 0.7 && result.arrivalSeconds < 1.5, `took ${result.arrivalSeconds} s`);
});

test('open model: keeps the rate when iterations are quick', async () => {
  const result = await runArrivals({
    stages: [{ rate: 1000, durationS: 0.5 }],
    maxInFlight: 100,
    drainMs: 1_000,
    recorder: new Recorder(),
    iteration: async () => undefined,
  });
  assert.equal(result.dropped, 0);
  assert.equal(result.started, 500);
  assert.ok(Math.abs(result.achievedRate - 1000) < 150, `achieved ${result.achievedRate}/s`);
});
