import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenCodec } from '../../reference-system/shared/queue-token.ts';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const claims = { concertId: 'c-1', userId: 'alice', entryId: '1795615058822-Qm9va2luZ3M' };

describe('queue tokens', () => {
  const codec = createTokenCodec(SECRET);

  it('verifies what it signed, and signs the same claims to the same token (re-entry)', () => {
    const token = codec.sign(claims);
    assert.deepEqual(codec.verify(token), claims);
    assert.equal(codec.sign({ ...claims }), token);
  });

  it('binds the token to concert, user and entry: changing any one gives another token', () => {
    const token = codec.sign(claims);
    for (const changed of [{ concertId: 'c-2' }, { userId: 'bob' }, { entryId: 'other' }]) {
      assert.notEqual(codec.sign({ ...claims, ...changed }), token);
    }
  });

  it('rejects a token signed with another secret (forged)', () => {
    const forged = createTokenCodec('another-secret-of-the-same-length-0123456789').sign(claims);
    assert.equal(codec.verify(forged), undefined);
  });

  it('rejects a token whose payload was changed to another user (tampered)', () => {
    const [version, , signature] = codec.sign(claims).split('.');
    const otherPayload = Buffer.from(`c-1|bob|${claims.entryId}`).toString('base64url');
    assert.equal(codec.verify(`${version}.${otherPayload}.${signature}`), undefined);
  });

  it('rejects every single-character change anywhere in the token', () => {
    const token = codec.sign(claims);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    for (let i = 0; i < token.length; i++) {
      for (const ch of alphabet) {
        if (ch === token[i]) continue;
        const changed = token.slice(0, i) + ch + token.slice(i + 1);
        assert.equal(codec.verify(changed), undefined, `accepted a change of character ${i} to ${ch}`);
      }
    }
  });

  it('rejects malformed and foreign tokens without throwing', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW5vdC1vdXJz';
    for (const bad of ['', 'v1', 'v1..', 'v2.abc.def', jwt, 'v1.%%%.###', `${codec.sign(claims)}.extra`, 'x'.repeat(10_000)]) {
      assert.equal(codec.verify(bad), undefined, `accepted ${bad.slice(0, 40)}`);
    }
  });

  it('rejects a genuine signature over a payload that is not three fields', () => {
    const body = `v1.${Buffer.from('only|two').toString('base64url')}`;
    const mac = createTokenCodec(SECRET).sign({ concertId: 'x', userId: 'y', entryId: 'z' }).split('.')[2];
    assert.equal(codec.verify(`${body}.${mac}`), undefined);
  });

  it('never contains the secret', () => {
    assert.ok(!codec.sign(claims).includes(SECRET));
  });
});
