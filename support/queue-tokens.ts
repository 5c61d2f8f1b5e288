import { createHmac, randomBytes } from 'node:crypto';

/**
 * Tokens an attacker might try. Tokens are opaque to real clients; the suite knows their shape
 * (`v1.<base64url payload>.<base64url signature>`, payload `concertId|userId|entryId`) only to
 * build convincing fakes.
 */
export const counterfeitTokens = {
  /** Right shape and claims, signed with a key that is not the server's. */
  forged(concertId: string, userId: string): string {
    const body = `v1.${Buffer.from(`${concertId}|${userId}|${randomBytes(16).toString('base64url')}`).toString('base64url')}`;
    const signature = createHmac('sha256', randomBytes(32)).update(body).digest('base64url');
    return `${body}.${signature}`;
  },

  /** A genuine token whose payload now names someone else; the signature is left as it was. */
  renamed(genuine: string, userId: string): string {
    const [version, payload, signature] = genuine.split('.');
    const [concertId, , entryId] = Buffer.from(payload, 'base64url').toString('utf8').split('|');
    return `${version}.${Buffer.from(`${concertId}|${userId}|${entryId}`).toString('base64url')}.${signature}`;
  },

  /** A genuine token with one character of its signature changed. */
  altered(genuine: string): string {
    const i = genuine.length - 5;
    return genuine.slice(0, i) + (genuine[i] === 'A' ? 'B' : 'A') + genuine.slice(i + 1);
  },

  /** A genuine token missing its last characters. */
  truncated(genuine: string): string {
    return genuine.slice(0, -10);
  },

  /** A token from some other system: a JWT. */
  foreign(): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'someone', exp: 4102444800 })}.${randomBytes(32).toString('base64url')}`;
  },
};
