import { Agent, request } from 'undici';

/** One Server-Sent Event as it arrived; `at` is when (performance.now()). */
export type StreamEvent = { event: string; data: string; at: number };

/** Streams stay open for long: a pool of their own, so they never starve the suite's short calls. */
const agent = new Agent({ keepAliveTimeout: 1_000 });

/**
 * A Server-Sent Events stream as a client sees it: the answer's status and headers, then the
 * events, comment lines (heartbeats) and `retry:` field as they arrive, until the server ends it
 * or the client closes it. A refusal (any status but 200) keeps its JSON body in `body`.
 */
export class EventStream {
  readonly status: number;
  readonly headers: Record<string, string>;
  body: unknown;
  readonly events: StreamEvent[] = [];
  /** When each comment line (a heartbeat) arrived. */
  readonly comments: number[] = [];
  retryMs?: number;
  /** When the server ended the stream (performance.now()), or undefined while it is open. */
  endedAt?: number;
  readonly #abort: AbortController;
  readonly #waiters = new Set<() => void>();
  readonly #followers: ((event: StreamEvent) => void)[] = [];

  constructor(status: number, headers: Record<string, string>, abort: AbortController) {
    this.status = status;
    this.headers = headers;
    this.#abort = abort;
  }

  /** Calls `follower` with every event, those that came already and each one as it comes. */
  follow(follower: (event: StreamEvent) => void): void {
    for (const event of this.events) follower(event);
    this.#followers.push(follower);
  }

  /** Called by the reader below for each event that arrived. */
  arrived(event: StreamEvent): void {
    this.events.push(event);
    for (const follower of this.#followers) follower(event);
  }

  /** The client hangs up. */
  close(): void {
    this.#abort.abort();
  }

  /**
   * The first event from index `from` on that `accept` takes, waiting for it up to `timeoutMs`;
   * throws, saying what did arrive, when none came or the stream ended first.
   */
  async next(accept: (event: StreamEvent) => boolean, options: { from?: number; timeoutMs?: number; what: string }): Promise<StreamEvent> {
    const deadline = performance.now() + (options.timeoutMs ?? 10_000);
    for (let i = options.from ?? 0; ; ) {
      for (; i < this.events.length; i++) if (accept(this.events[i])) return this.events[i];
      if (this.endedAt !== undefined) throw new Error(`the stream ended before ${options.what}; it pushed: ${this.describe()}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no ${options.what} within ${options.timeoutMs ?? 10_000} ms; the stream pushed: ${this.describe()}`);
      await this.#changed(left);
    }
  }

  /** Waits (up to `timeoutMs`) for the server to end the stream; true when it did. */
  async ends(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.endedAt === undefined && performance.now() < deadline) await this.#changed(deadline - performance.now());
    return this.endedAt !== undefined;
  }

  describe(): string {
    return this.events.map((e) => `${e.event} ${e.data}`).join(' | ') || 'nothing';
  }

  /** Called by the reader below. */
  notify(): void {
    for (const wake of this.#waiters) wake();
  }

  #changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#waiters.add(wake);
    });
  }
}

/** Opens `url` as an event stream (GET); resolves once the answer's head arrived. */
export async function openEventStream(url: string, options: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<EventStream> {
  const abort = new AbortController();
  const answer = await request(url, {
    method: 'GET',
    headers: { accept: 'text/event-stream', ...options.headers },
    dispatcher: agent,
    signal: abort.signal,
    headersTimeout: options.timeoutMs ?? 15_000,
    bodyTimeout: 0,
  });
  const headers = Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k, String(v)]));
  const stream = new EventStream(answer.statusCode, headers, abort);
  if (answer.statusCode !== 200) {
    const text = await answer.body.text();
    stream.body = String(headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text;
    stream.endedAt = performance.now();
    return stream;
  }
  void read(answer.body, stream);
  return stream;
}

async function read(body: AsyncIterable<Buffer | string>, stream: EventStream): Promise<void> {
  let buffered = '';
  try {
    for await (const chunk of body) {
      buffered += chunk.toString();
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        parseBlock(buffered.slice(0, end), stream);
        buffered = buffered.slice(end + 2);
      }
      stream.notify();
    }
  } catch {
    // Closed by the client (close()) or the connection broke: either way the stream is over.
  }
  stream.endedAt = performance.now();
  stream.notify();
}

/** One block of lines up to a blank line: an event, a comment, a retry field (the SSE format). */
function parseBlock(block: string, stream: EventStream): void {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) stream.comments.push(performance.now());
    else if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    else if (line.startsWith('retry:')) stream.retryMs = Number(line.slice(6).trim());
  }
  if (data.length) stream.arrived({ event, data: data.join('\n'), at: performance.now() });
}
