import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Queue tokens: `v1.<payload>.<signature>`, payload = base64url("concertId|userId|entryId"),
 * signature = HMAC-SHA256(secret, "v1." + payload). The entry id is 128 random bits, so a token
 * cannot be guessed, and the signature binds it to one (concert, user). `|` never occurs in ids.
 */
export type TokenClaims = { concertId: string; userId: string; entryId: string };

const VERSION = 'v1';

export function createTokenCodec(secret: string) {
  const sign = (body: string) => createHmac('sha256', secret).update(body).digest();

  return {
    sign(claims: TokenClaims): string {
      const payload = Buffer.from(`${claims.concertId}|${claims.userId}|${claims.entryId}`).toString('base64url');
      const body = `${VERSION}.${payload}`;
      return `${body}.${sign(body).toString('base64url')}`;
    },

    /** The claims of a genuine token, or undefined for anything forged, tampered or malformed. */
    verify(token: string): TokenClaims | undefined {
      if (token.length > 512) return undefined;
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
      const expected = sign(`${parts[0]}.${parts[1]}`);
      const given = Buffer.from(parts[2], 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const fields = Buffer.from(parts[1], 'base64url').toString('utf8').split('|');
      if (fields.length !== 3) return undefined;
      const [concertId, userId, entryId] = fields;
      return { concertId, userId, entryId };
    },
  };
}

export type TokenCodec = ReturnType<typeof createTokenCodec>;
