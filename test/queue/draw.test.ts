import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { commitmentOf, drawHash, drawScore } from '../../reference-system/queue/draw.ts';
import { drawAudit } from '../../support/driver/draw-audit.ts';

describe('the draw of a pre-queue (reference-system/queue/draw.ts)', () => {
  const seed = randomBytes(32).toString('hex');

  it('scores every fan below the first arrival number, exactly as a double', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/), (userId) => {
        const score = drawScore(seed, userId);
        assert.ok(Number.isSafeInteger(score) && score < 1 && score >= -(2 ** 53));
      }),
    );
  });

  it('orders fans by score as the published rule does: HMAC-SHA256 hex ascending', () => {
    const users = Array.from({ length: 2000 }, (_, i) => `fan-${i}`);
    const byScore = [...users].sort((a, b) => drawScore(seed, a) - drawScore(seed, b));
    assert.deepEqual(byScore, drawAudit.order(seed, users));
    assert.ok(drawHash(seed, users[0]).length === 64);
  });

  it('commits to the seed with its SHA-256, as anyone can check', () => {
    assert.ok(drawAudit.seedMatches(seed, commitmentOf(seed)));
    assert.ok(!drawAudit.seedMatches(randomBytes(32).toString('hex'), commitmentOf(seed)));
  });
});
