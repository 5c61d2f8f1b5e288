import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenCodec } from '../../reference-system/shared/queue-token.ts';

const codec = createTokenCodec('a-secret-of-at-least-thirty-two-characters!');
const claims = { concertId: 'c-1', userId: 'user:42', entryId: 'AAECAwQFBgcICQoLDA0ODw' };

test('a signed token verifies to the claims it was made from', () => {
  assert.deepEqual(codec.verify(codec.sign(claims)), claims);
});

test('signing is deterministic, so re-entry can hand back the same token', () => {
  assert.equal(codec.sign(claims), codec.sign(claims));
});

test('a token with a changed payload is rejected', () => {
  const [v, , sig] = codec.sign(claims).split('.');
  const forged = Buffer.from('c-1|someone-else|AAECAwQFBgcICQoLDA0ODw').toString('base64url');
  assert.equal(codec.verify(`${v}.${forged}.${sig}`), undefined);
});

test('a token with a changed signature is rejected', () => {
  const token = codec.sign(claims);
  const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  assert.equal(codec.verify(flipped), undefined);
});

test('a token signed with another secret is rejected', () => {
  const other = createTokenCodec('another-secret-of-at-least-thirty-two-chars');
  assert.equal(codec.verify(other.sign(claims)), undefined);
});

test('malformed tokens are rejected without throwing', () => {
  for (const junk of ['', 'v1', 'v1..', 'v2.a.b', 'x'.repeat(600), 'v1.%%%.@@@', 'v1.a.b.c']) {
    assert.equal(codec.verify(junk), undefined, junk);
  }
});
