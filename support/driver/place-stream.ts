import type { EventStream } from '../http/event-stream.ts';
import { redactSecrets } from '../redact-secrets.ts';
import { schemas, type StatusView } from './schemas.ts';

/** One status the stream pushed: the answer GET /status would give, or the refusal it replaced. */
export type Told = { view?: StatusView; refusal?: string; at: number };

/**
 * A fan's status stream (GET /api/v1/queue/events) as her app follows it: what it was told, in
 * order, each checked against the status shape where it arrived, and whether the server ended it.
 * Steps read it through `next` and `ends`; neither sleeps (they wake on each event).
 */
export class PlaceStream {
  readonly server: number;
  readonly #events: EventStream;
  /** Index of the next event a step has not read yet. */
  #read = 0;

  constructor(events: EventStream, server: number) {
    this.#events = events;
    this.server = server;
  }

  /** The next status pushed after the last one read, within `timeoutMs`. */
  async next(what: string, timeoutMs = 10_000): Promise<Told> {
    const event = await this.#events.next((e) => e.event === 'status', { from: this.#read, timeoutMs, what });
    this.#read = this.#events.events.indexOf(event) + 1;
    const body: unknown = JSON.parse(event.data);
    const refusal = schemas.error.safeParse(body);
    if (refusal.success) return { refusal: refusal.data.error.code, at: event.at };
    const view = schemas.status.safeParse(body);
    if (!view.success) throw new Error(`the stream pushed a status that is not what the contract describes: ${redactSecrets(event.data)}`);
    return { view: view.data, at: event.at };
  }

  /**
   * The next status pushed that is not `passing` (a position update while still WAITING, say):
   * what her app shows once her place changes.
   */
  async nextBeyond(passing: StatusView['status'] | undefined, what: string, timeoutMs = 10_000): Promise<Told> {
    for (;;) {
      const told = await this.next(what, timeoutMs);
      if (told.refusal || told.view?.status !== passing) return told;
    }
  }

  /** Every status pushed so far, as "WAITING 1", "READY", …: for failure messages. */
  describe(): string {
    return this.#events.describe();
  }

  get retryMs(): number | undefined {
    return this.#events.retryMs;
  }

  /** Whether the server ended the stream within `timeoutMs`. */
  ends(timeoutMs: number): Promise<boolean> {
    return this.#events.ends(timeoutMs);
  }

  get ended(): boolean {
    return this.#events.endedAt !== undefined;
  }

  close(): void {
    this.#events.close();
  }
}
