import { validationFailed } from './errors.ts';

/** Identifiers (concertId, userId, seatId) per the contract: 1–64 of [A-Za-z0-9_.:-]. */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export function requireId(value: unknown, field: string): string {
  if (!isId(value)) throw validationFailed(`${field} must be 1-64 characters of [A-Za-z0-9_.:-]`);
  return value;
}

/** The request body as an object, or 400: arrays, strings and null are not a body we accept. */
export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationFailed('request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function requireInt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validationFailed(`${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function optionalInt(value: unknown, field: string, min: number, max: number): number | undefined {
  return value === undefined ? undefined : requireInt(value, field, min, max);
}

export function requireString(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw validationFailed(`${field} must be a string of 1-${maxLength} characters`);
  }
  return value;
}

/** An ISO-8601 instant with its offset: 2026-12-02T14:00:00Z, …T15:00:00.250+01:00. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** An instant as epoch milliseconds, or null when the field is null (unset). */
export function requireInstantOrNull(value: unknown, field: string): number | null {
  if (value === null) return null;
  const ms = typeof value === 'string' && INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw validationFailed(`${field} must be an ISO-8601 instant with its offset (2026-12-02T14:00:00Z) or null`);
  return ms;
}
