/** The outcome of a closed-loop run: how many iterations `concurrency` workers completed. */
export type ClosedLoopResult = { concurrency: number; iterations: number; seconds: number; rate: number };

/**
 * Closed model: `concurrency` workers each start their next iteration as soon as the last one
 * finished, until the time is up. It measures capacity (what the system can take), not latency
 * under a given load. Iteration numbers are unique across workers.
 */
export async function runClosedLoop(options: {
  concurrency: number;
  durationMs: number;
  iteration: (index: number) => Promise<void>;
}): Promise<ClosedLoopResult> {
  const begin = performance.now();
  const until = begin + options.durationMs;
  let next = 0;
  const worker = async () => {
    while (performance.now() < until) await options.iteration(next++);
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - begin) / 1000;
  return { concurrency: options.concurrency, iterations: next, seconds, rate: next / seconds };
}
