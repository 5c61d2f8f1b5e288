/** The outcome of a closed-loop run: how many iterations `concurrency` workers completed. */
export type ClosedLoopResult = { concurrency: number; iterations: number; seconds: number; rate: number };

/**
 * Closed model: `concurrency` workers each start their next iteration as soon as the last one
 * finished, until the time is up (or `maxIterations` have started: work that uses up its
 * material, such as one buyer per hold). It measures capacity (what the system can take), not
 * latency under a given load. Iteration numbers are unique across workers.
 */
export async function runClosedLoop(options: {
  concurrency: number;
  durationMs: number;
  maxIterations?: number;
  iteration: (index: number) => Promise<void>;
}): Promise<ClosedLoopResult> {
  const begin = performance.now();
  const until = begin + options.durationMs;
  const max = options.maxIterations ?? Infinity;
  let next = 0;
  const worker = async () => {
    while (next < max && performance.now() < until) await options.iteration(next++);
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - begin) / 1000;
  return { concurrency: options.concurrency, iterations: next, seconds, rate: next / seconds };
}
