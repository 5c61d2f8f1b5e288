import { setTimeout as pause } from 'node:timers/promises';
import { redactSecrets } from './redact-secrets.ts';

export type PollOptions<T> = {
  /** What is awaited, in business words: "Ann to be READY". */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** How a failure message shows the last value seen; default JSON. */
  describe?: (value: T) => string;
};

/**
 * The suite's one way of waiting: asks `probe` again and again until `done` accepts what it
 * returns, for at most `timeoutMs`. Never a fixed sleep. Returns the last value and whether it
 * was accepted, for callers that decide themselves what a timeout means.
 */
export async function poll<T>(probe: () => Promise<T>, done: (value: T) => boolean, options: PollOptions<T>): Promise<{ value: T; done: boolean }> {
  const { timeoutMs = 10_000, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return { value, done: true };
    if (Date.now() >= deadline) return { value, done: false };
    await pause(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/** Waits until the clock reads `at`, looking every 5 ms: for what happens "at the instant" something starts. */
export async function untilInstant(at: number, what: string): Promise<void> {
  await eventually(async () => Date.now(), (now) => now >= at, { what, timeoutMs: Math.max(0, at - Date.now()) + 1000, intervalMs: 5 });
}

/** `poll`, failing the step at the deadline with what was awaited and what was seen last. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, options: PollOptions<T>): Promise<T> {
  const { value, done: accepted } = await poll(probe, done, options);
  if (!accepted) {
    const seen = options.describe ? options.describe(value) : JSON.stringify(value);
    // The last value is often an HTTP answer: its tokens must not end up in the report.
    throw new Error(`waited ${((options.timeoutMs ?? 10_000) / 1000).toFixed(1)} s for ${options.what}, in vain; last seen: ${redactSecrets(seen)}`);
  }
  return value;
}
