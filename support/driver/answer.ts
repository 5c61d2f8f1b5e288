import { z } from 'zod';
import type { Exchange } from '../http/api-client.ts';
import { redactSecrets } from '../redact-secrets.ts';
import { schemas } from './schemas.ts';

/**
 * What the system answered to one request, checked against the contract's shape where it
 * arrived: a success against the schema of that call, a refusal against the error shape
 * (`{"error": {"code", "message"}}`). An answer of another shape fails the step right here,
 * naming the call and the mismatch; so steps read `answer.value` and `answer.code`, typed, and
 * never cast.
 */
export class Answer<T> {
  readonly what: string;
  readonly exchange: Exchange;
  readonly code: string | undefined;
  readonly #value: T | undefined;

  constructor(what: string, exchange: Exchange, schema: z.ZodType<T>) {
    this.what = what;
    this.exchange = exchange;
    const { status, body } = exchange;
    if (status >= 200 && status < 300) {
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        throw new Error(`${what}: the ${status} answer is not what the contract describes (${oneLine(z.prettifyError(parsed.error))}): ${shown(body)}`);
      }
      this.#value = parsed.data;
    } else if (status !== 0) {
      const refusal = schemas.error.safeParse(body);
      if (!refusal.success) throw new Error(`${what}: the ${status} answer has no {"error": {"code", "message"}} body: ${shown(body)}`);
      this.code = refusal.data.error.code;
    }
  }

  get status(): number {
    return this.exchange.status;
  }

  /** When the answer arrived (ms since the epoch): the system acted at some instant before it. */
  get answeredAt(): number {
    return this.exchange.startedAt + this.exchange.durationMs;
  }

  get succeeded(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The Retry-After header, in seconds, when the answer has one. */
  get retryAfterSeconds(): number | undefined {
    const header = this.exchange.responseHeaders['retry-after'];
    return header === undefined ? undefined : Number(header);
  }

  /** The checked body of a success; a refusal here fails the step with what was refused. */
  get value(): T {
    if (!this.succeeded) throw new Error(`${this.what} was refused with ${this}, where it should have succeeded`);
    return this.#value as T;
  }

  /** "201", "409 SEAT_UNAVAILABLE" or "no answer": how failure messages name an answer. */
  toString(): string {
    if (this.status === 0) return 'no answer';
    return this.code ? `${this.status} ${this.code}` : String(this.status);
  }
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, '; ');

function shown(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return redactSecrets(text.length > 300 ? `${text.slice(0, 300)}…` : text);
}
