import { createHmac, randomBytes } from 'node:crypto';

/**
 * What an attacker can make of a queue token without the server's secret. The reference
 * system's tokens are `v1.<base64url payload>.<base64url HMAC-SHA256>`, payload
 * "concertId|userId|entryId"; the suite builds its forgeries from that shape (never from
 * reference-system code). Real clients treat tokens as opaque.
 */
type Parts = { version: string; fields: string[]; signature: string };

function parse(token: string): Parts {
  const [version, payload, signature] = token.split('.');
  if (!version || !payload || !signature) throw new Error('not a v1 queue token');
  return { version, fields: Buffer.from(payload, 'base64url').toString('utf8').split('|'), signature };
}

const encode = (fields: string[]) => Buffer.from(fields.join('|')).toString('base64url');

export const forge = {
  /** The same signature over changed contents: someone else's user id, another concert. */
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

  /** A genuine token missing its last characters. */
  cutShort(token: string): string {
    return token.slice(0, -10);
  },

  /** A token from some other system: a JWT. */
  fromAnotherSystem(): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'someone', exp: 4102444800 })}.${randomBytes(32).toString('base64url')}`;
  },
};

/** What a counterfeit can be made from: a fan's genuine token and user id, another concert's id. */
export type CounterfeitMaterial = { tokenOf(name: string): string; userIdOf(name: string): string; otherConcertId: string };

/**
 * Counterfeits by the words scenarios use for them ("Ann's token cut short"); `null` is no
 * token at all. Each must be refused as TOKEN_INVALID (or TOKEN_MISSING) wherever it is shown.
 */
const counterfeits: [RegExp, (names: string[], m: CounterfeitMaterial) => string | null][] = [
  [/^no token at all$/, () => null],
  [/^(\w+)'s token with its contents altered to name (\w+)$/, ([victim, other], m) => forge.withFields(m.tokenOf(victim), { userId: m.userIdOf(other) })],
  [/^(\w+)'s token altered to name another concert$/, ([victim], m) => forge.withFields(m.tokenOf(victim), { concertId: m.otherConcertId })],
  [/^(\w+)'s token with its signature altered$/, ([victim], m) => forge.withFlippedSignatureBit(m.tokenOf(victim))],
  [/^a token for (\w+)'s place signed with a key of her own$/, ([victim], m) => forge.signedWithOwnKey(m.tokenOf(victim))],
  [/^(\w+)'s token cut short$/, ([victim], m) => forge.cutShort(m.tokenOf(victim))],
  [/^a token from another system$/, () => forge.fromAnotherSystem()],
  [/^nonsense in place of a token$/, () => 'v1.not-a-token.at-all'],
];

export function counterfeit(description: string, material: CounterfeitMaterial): string | null {
  for (const [pattern, make] of counterfeits) {
    const match = pattern.exec(description);
    if (match) return make(match.slice(1), material);
  }
  throw new Error(`no counterfeit called "${description}"; known: ${counterfeits.map(([p]) => p.source).join(', ')}`);
}
