import { createHmac, randomBytes } from 'node:crypto';

/**
 * What an attacker can do to a queue token without the server's secret. The reference system's
 * tokens are `v1.<base64url payload>.<base64url HMAC-SHA256>`, payload "concertId|userId|entryId";
 * the suite builds its forgeries from that shape (never from reference-system code).
 */
type Parts = { version: string; fields: string[]; signature: string };

function parse(token: string): Parts {
  const [version, payload, signature] = token.split('.');
  if (!version || !payload || !signature) throw new Error('not a v1 queue token');
  return { version, fields: Buffer.from(payload, 'base64url').toString('utf8').split('|'), signature };
}

const encode = (fields: string[]) => Buffer.from(fields.join('|')).toString('base64url');

export const forge = {
  /** The same signature over changed contents: e.g. someone else's user id. */
  withFields(token: string, change: { concertId?: string; userId?: string }): string {
    const { version, fields, signature } = parse(token);
    const [concertId, userId, entryId] = fields;
    return `${version}.${encode([change.concertId ?? concertId, change.userId ?? userId, entryId])}.${signature}`;
  },

  /** The original contents with one bit of the signature flipped. */
  withFlippedSignatureBit(token: string): string {
    const { version, fields, signature } = parse(token);
    const bytes = Buffer.from(signature, 'base64url');
    bytes[bytes.length - 1] ^= 0x01;
    return `${version}.${encode(fields)}.${bytes.toString('base64url')}`;
  },

  /** The original contents, correctly signed, but with a key the attacker made up. */
  signedWithOwnKey(token: string): string {
    const { version, fields } = parse(token);
    const body = `${version}.${encode(fields)}`;
    return `${body}.${createHmac('sha256', randomBytes(32)).update(body).digest('base64url')}`;
  },
};
