import type { HistoryEntry } from './history.ts';

/**
 * Two runs' durations say something about a change only when they ran under the same
 * conditions: the same target and way of running the services (containers or child processes),
 * the same kind of machine (run-metadata.ts runnerClass: E2E_RUNNER_CLASS, or CPU count, model
 * and memory), the same Node.js major, as many cucumber workers, and the same selection of
 * scenarios (the full suite, or the same cucumber arguments). This is that condition as one
 * string; undefined when a run does not record it all (history written before it was).
 */
export function comparableAs(entry: Pick<HistoryEntry, 'partial' | 'run'>): string | undefined {
  const { target, system, runnerClass, node, workers, cucumberArgs } = entry.run;
  const mode = target === 'external' ? 'external target' : system;
  if (!mode || !runnerClass || !workers) return undefined;
  const major = /^v?(\d+)\./.exec(node)?.[1];
  if (!major) return undefined;
  const selection = entry.partial ? `cucumber ${(cucumberArgs ?? []).join(' ')}` : 'full suite';
  return `${mode}; ${runnerClass}; Node ${major}; ${workers} worker(s); ${selection}`;
}
