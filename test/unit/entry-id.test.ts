import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newEntryId } from '../../reference-system/queue/entry-id.ts';

test('entry ids are 128-bit, URL-safe and do not repeat across pool refills', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const id = newEntryId();
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    ids.add(id);
  }
  assert.equal(ids.size, 10_000);
});
