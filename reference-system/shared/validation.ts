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
