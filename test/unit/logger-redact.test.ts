import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from '../../reference-system/shared/logger.ts';

const token = `v1.${Buffer.from('c-1|alice|AAECAwQFBgcICQoLDA0ODw').toString('base64url')}.${'s'.repeat(43)}`;

test('the logger masks a queue token in a header, a body or an address, its dots plain or percent-encoded', () => {
  for (const text of [`{"token":"${token}"}`, `/api/v1/queue/events?token=${token}`, `/api/v1/queue/events?token=${token.replaceAll('.', '%2E')}`]) {
    assert.ok(!redact(text).includes('s'.repeat(43)), `not masked: ${redact(text)}`);
  }
});
