import { AssertionError } from 'node:assert';
import { isDeepStrictEqual } from 'node:util';
import type { Answer } from './driver/answer.ts';
import { redactSecrets } from './redact-secrets.ts';

/**
 * The suite's assertions. Each failure reads, on one line, what was expected and what happened,
 * in the words of the business ("Alice reserving seat A2: expected 409 RESERVATION_LIMIT, got
 * 201"), because that line is what a reviewer sees first in the PR comment (reports/summary.md).
 * Steps use these, never a bare node:assert.
 */
function fail(message: string, actual?: unknown, expected?: unknown): never {
  throw new AssertionError({ message: redactSecrets(message), actual, expected });
}

/** Fails with `message` unless `ok`. */
export function expectThat(ok: boolean, message: string | (() => string)): asserts ok {
  if (!ok) fail(typeof message === 'string' ? message : message());
}

/** `actual` must equal `expected` (deeply); `what` names it: "Ann's place". */
export function expectEqual<T>(actual: T, expected: T, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`, actual, expected);
}

/** The answer must have this status (and error code): "Alice paying: expected 402 PAYMENT_DECLINED, got 201". */
export function expectAnswer(answer: Answer<unknown> | undefined, status: number, code?: string): void {
  if (!answer) fail('no request was made before this step');
  const expected = code ? `${status} ${code}` : String(status);
  if (answer.status !== status || (code !== undefined && answer.code !== code)) {
    fail(`${answer.what}: expected ${expected}, got ${answer}`, String(answer), expected);
  }
}

/** The answer must be a success: 2xx. */
export function expectSuccess(answer: Answer<unknown>): void {
  if (!answer.succeeded) fail(`${answer.what}: expected it to succeed, got ${answer}`, String(answer), '2xx');
}

/** A list of names in prose: "Ann, Ben and Cat", "nobody". */
export function names(list: readonly unknown[]): string {
  if (list.length === 0) return 'nobody';
  const all = list.map(String);
  return all.length === 1 ? all[0] : `${all.slice(0, -1).join(', ')} and ${all.at(-1)}`;
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
