import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Queue tokens: `v1.<payload>.<signature>`, payload = base64url("concertId|userId|entryId"),
 * signature = base64url(HMAC-SHA256(secret, "v1." + payload)). The entry id is 128 random bits,
 * so a token cannot be guessed, and the signature binds it to one (concert, user, entry).
 * `|` never occurs in ids. Signing and verifying are local (no Redis) and take microseconds.
 */
export type TokenClaims = { concertId: string; userId: string; entryId: string };

const VERSION = 'v1';
/** Longest token we sign: two 64-character ids and a 22-character entry id, encoded. */
const MAX_TOKEN_LENGTH = 512;

export function createTokenCodec(secret: string) {
  const signature = (body: string) => createHmac('sha256', secret).update(body).digest('base64url');

  return {
    sign(claims: TokenClaims): string {
      const payload = Buffer.from(`${claims.concertId}|${claims.userId}|${claims.entryId}`).toString('base64url');
      const body = `${VERSION}.${payload}`;
      return `${body}.${signature(body)}`;
    },

    /** The claims of a genuine token, or undefined for anything forged, tampered or malformed. */
    verify(token: string): TokenClaims | undefined {
      if (token.length > MAX_TOKEN_LENGTH) return undefined;
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
      // Compare the encoded text, not decoded bytes: base64url decoding ignores stray bits and
      // characters, so two different strings could decode to one valid signature.
      const expected = Buffer.from(signature(`${parts[0]}.${parts[1]}`));
      const given = Buffer.from(parts[2]);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const fields = Buffer.from(parts[1], 'base64url').toString('utf8').split('|');
      if (fields.length !== 3) return undefined;
      const [concertId, userId, entryId] = fields;
      return { concertId, userId, entryId };
    },
  };
}

export type TokenCodec = ReturnType<typeof createTokenCodec>;
