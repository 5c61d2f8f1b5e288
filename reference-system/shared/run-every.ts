/**
 * Runs `task` every `intervalMs`, never two at once (a slow run makes the next tick a no-op
 * rather than a pile-up). A failed run goes to `onError` and the next tick tries again. The
 * timer does not keep the process alive.
 */
export function runEvery(intervalMs: number, task: () => Promise<unknown>, onError: (error: Error) => void) {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await task();
    } catch (error) {
      onError(error as Error);
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
