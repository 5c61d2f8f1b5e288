/**
 * Everything a run starts registers how to stop it here the moment it exists, so Ctrl-C or
 * SIGTERM in the middle of start-up still removes containers and child processes.
 */
type Teardown = { name: string; run: () => Promise<unknown> };

const teardowns: Teardown[] = [];

export function registerTeardown(name: string, run: () => Promise<unknown>): () => void {
  const entry = { name, run };
  teardowns.push(entry);
  return () => {
    const index = teardowns.indexOf(entry);
    if (index >= 0) teardowns.splice(index, 1);
  };
}

let running: Promise<void> | undefined;

/**
 * Runs every registered teardown, newest first (processes before the containers they use).
 * Concurrent callers (a signal arriving twice: once from the terminal, once from npm) share one run, so nobody exits
 * while containers are still being removed.
 */
export function runTeardowns(): Promise<void> {
  running ??= (async () => {
    while (teardowns.length) {
      const entry = teardowns.pop()!;
      await entry.run().catch((error) => console.error(`[teardown] ${entry.name}: ${(error as Error).message}`));
    }
  })().finally(() => {
    running = undefined;
  });
  return running;
}
