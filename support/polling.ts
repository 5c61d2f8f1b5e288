import { redactSecrets } from './redact-secrets.ts';

/**
 * Polls until `probe` returns a value `done` accepts, or fails at the deadline with the last
 * value seen. Scenarios wait this way, never with fixed sleeps.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 100, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() >= deadline) {
      // The last value is often an HTTP exchange: its tokens must not end up in the report.
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${redactSecrets(JSON.stringify(last))}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
