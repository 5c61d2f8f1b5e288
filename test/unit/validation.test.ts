import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../reference-system/shared/errors.ts';
import { isId, requireInt, requireObject } from '../../reference-system/shared/validation.ts';

test('identifiers are 1-64 characters of [A-Za-z0-9_.:-]', () => {
  for (const ok of ['a', 'A1', 'user_1.x:y-z', 'x'.repeat(64)]) assert.ok(isId(ok), ok);
  for (const bad of ['', 'x'.repeat(65), 'a b', 'ä', 'a/b', 'a|b', 42, null, undefined, ['a']]) {
    assert.ok(!isId(bad), String(bad));
  }
});

test('bodies must be JSON objects', () => {
  assert.deepEqual(requireObject({ a: 1 }), { a: 1 });
  for (const bad of [null, [], 'text', 3]) {
    assert.throws(() => requireObject(bad), (e: ApiError) => e.status === 400 && e.code === 'VALIDATION_FAILED');
  }
});

test('integers are checked for type and range', () => {
  assert.equal(requireInt(5, 'n', 1, 10), 5);
  for (const bad of [0, 11, 1.5, '5', NaN, Infinity]) {
    assert.throws(() => requireInt(bad, 'n', 1, 10), (e: ApiError) => e.code === 'VALIDATION_FAILED');
  }
});
