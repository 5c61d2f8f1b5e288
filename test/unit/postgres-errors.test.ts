import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPostgresUnavailable } from '../../reference-system/core/postgres-errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('a restarting, unreachable or full PostgreSQL is "unavailable" (503)', () => {
  for (const error of [
    withCode('57P01', 'terminating connection due to administrator command'),
    withCode('57P03', 'the database system is starting up'),
    withCode('08006'),
    withCode('53300', 'sorry, too many clients already'),
    withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
  ]) {
    assert.equal(isPostgresUnavailable(error), true, error.message);
  }
});

test('bugs and constraint violations are not "unavailable": they must not hide behind a retry', () => {
  for (const error of [
    withCode('23505', 'duplicate key value violates unique constraint'),
    withCode('42P01', 'relation "nope" does not exist'),
    new TypeError('Cannot read properties of undefined'),
    undefined,
    null,
    'a string',
  ]) {
    assert.equal(isPostgresUnavailable(error), false, String(error));
  }
});
