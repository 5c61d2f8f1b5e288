/**
 * Concurrent reads of one key share work, and no answer is older than its request: a read
 * joins the next read to *start* for its key, never one already running (which may have read
 * before the request arrived). So at most one read per key runs and one waits, however many
 * requests arrive, and a client that changed something and then reads sees its change.
 * Reads of different keys do not wait for each other; a failed read fails only its joiners.
 */
export function coalescedReads<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const running = new Map<string, Promise<T>>();
  const waiting = new Map<string, Promise<T>>();

  const start = (key: string): Promise<T> => {
    const attempt: Promise<T> = read(key).finally(() => {
      if (running.get(key) === attempt) running.delete(key);
    });
    running.set(key, attempt);
    return attempt;
  };

  return (key) => {
    const queued = waiting.get(key);
    if (queued) return queued;
    const current = running.get(key);
    if (!current) return start(key);
    const next = current.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      waiting.delete(key);
      return start(key);
    });
    waiting.set(key, next);
    return next;
  };
}
