import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seatLabel } from '../../reference-system/core/concerts.ts';

test('seats are labelled in rows of ten: A1-A10, B1-B10, ...', () => {
  assert.deepEqual([0, 9, 10, 19, 99].map(seatLabel), ['A1', 'A10', 'B1', 'B10', 'J10']);
});

test('rows continue past Z with two letters', () => {
  assert.equal(seatLabel(259), 'Z10');
  assert.equal(seatLabel(260), 'AA1');
});
