import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenCodec } from '../../reference-system/shared/queue-token.ts';
import { forge } from '../../support/driver/counterfeit-tokens.ts';

// The forgeries features/token-security.feature presents, checked against the codec itself: each
// must be a real forgery (well-formed, only the named part changed) and each must be refused.
const codec = createTokenCodec('a-secret-of-at-least-thirty-two-characters!');
const genuine = codec.sign({ concertId: 'c-1', userId: 'alice', entryId: 'AAECAwQFBgcICQoLDA0ODw' });
const parts = (token: string) => token.split('.');

test('altered contents keep the genuine signature, and are refused', () => {
  const forged = forge.withFields(genuine, { userId: 'mallory' });
  assert.equal(parts(forged)[2], parts(genuine)[2]);
  assert.notEqual(parts(forged)[1], parts(genuine)[1]);
  assert.equal(codec.verify(forged), undefined);
  assert.equal(codec.verify(forge.withFields(genuine, { concertId: 'c-2' })), undefined);
});

test('a signature with one bit flipped is refused', () => {
  const forged = forge.withFlippedSignatureBit(genuine);
  assert.equal(parts(forged)[1], parts(genuine)[1]);
  assert.notEqual(forged, genuine);
  assert.equal(codec.verify(forged), undefined);
});

test('a well-formed token signed with the attacker own key is refused', () => {
  const forged = forge.signedWithOwnKey(genuine);
  assert.equal(parts(forged)[2].length, parts(genuine)[2].length);
  assert.equal(codec.verify(forged), undefined);
});

test('changing nothing forges nothing: the helpers start from a token the codec accepts', () => {
  assert.deepEqual(codec.verify(forge.withFields(genuine, {})), { concertId: 'c-1', userId: 'alice', entryId: 'AAECAwQFBgcICQoLDA0ODw' });
});
