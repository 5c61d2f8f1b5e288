import fc from 'fast-check';

/**
 * Generators of malformed requests for every endpoint of every service. Each request is
 * malformed by construction (bad JSON, wrong types, invalid ids, forged or missing tokens and
 * bearers, wrong methods, oversized bodies, odd paths), so none may change any state; the only
 * acceptable answers are 4xx.
 */
export type FuzzRequest = {
  service: 'queue' | 'core' | 'gateway';
  method: string;
  path: string;
  /** Flat [name, value, name, value, ...]: duplicated headers are allowed. */
  headers: string[];
  body?: string;
  /** What makes it malformed, for the failure message. */
  flaw: string;
};

export type FuzzContext = { concertId: string; adminToken: string };

// ---- building blocks ------------------------------------------------------------------------

/** Strings that are not identifiers: empty, too long, unicode, separators, control characters. */
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const badId = fc
  .oneof(
    fc.constant(''),
    fc.string({ minLength: 65, maxLength: 300 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
    fc.constantFrom('a b', 'a/b', 'a|b', '{x}', '%00', 'a\u0000b', 'é', '🎫', 'x'.repeat(65), "'; DROP TABLE seats;--", '${jndi:x}'),
  )
  // Whatever the generator made, it must not be a valid id by chance ('..' is one).
  .filter((s) => !ID.test(s));

/** Values of the wrong JSON type for a string field. */
const wrongType = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }));

/** Values that are not an integer, for integer fields (wrongType has integers in it). */
const notAnInteger = fc.oneof(
  fc.double({ noNaN: false }).filter((n) => !Number.isInteger(n)),
  fc.string({ maxLength: 10 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant({}),
);

const validLookingId = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/);

/** Bodies that are not a JSON object at all. */
const notAnObject = fc.oneof(
  fc.constantFrom('', '{', '{"concertId":', 'null', '[]', '"text"', '42', 'true', '{"a":1}}', '\u0000', '{"concertId":"a",}', "{'single':'quotes'}"),
  fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** A body above the 16 kB JSON limit: 413 before any work. */
const oversized = fc.integer({ min: 17_000, max: 300_000 }).map((n) => JSON.stringify({ concertId: 'c', userId: 'u', pad: 'x'.repeat(n) }));

const forgedToken = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  fc.tuple(fc.base64String({ maxLength: 80 }), fc.base64String({ minLength: 40, maxLength: 44 })).map(([p, s]) => `v1.${p.replace(/=/g, '')}.${s.replace(/=/g, '')}`),
  fc.constantFrom('v1..', 'v2.a.b', 'v1.a.b.c', 'x'.repeat(600), 'v1.%%%.@@@'),
);

const badBearer = (ctx: FuzzContext) =>
  fc.oneof(
    fc.constant<string[]>([]),
    fc.string({ maxLength: 60 }).map((s) => ['authorization', `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}x`]),
    fc.constantFrom(
      ['authorization', `Basic ${ctx.adminToken}`],
      ['authorization', `bearer${ctx.adminToken}`],
      ['authorization', `Bearer ${ctx.adminToken}x`],
      ['authorization', `Bearer ${ctx.adminToken.slice(0, -1)}`],
      ['authorization', `Bearer  ${ctx.adminToken}`],
    ),
  );

const json = (value: unknown) => JSON.stringify(value);
const contentType = fc.constantFrom<string[]>(
  ['content-type', 'application/json'],
  [],
  ['content-type', 'text/plain'],
  ['content-type', 'application/json; charset=latin1'],
  ['content-type', 'application/json', 'content-type', 'text/html'],
);

const tokenHeaders = forgedToken.chain((token) =>
  fc.constantFrom<string[]>([], ['x-queue-token', token], ['x-queue-token', token, 'x-queue-token', token], ['X-QUEUE-TOKEN', token]),
);

// ---- per endpoint ---------------------------------------------------------------------------

function queueRequests(ctx: FuzzContext): fc.Arbitrary<FuzzRequest>[] {
  const enterBody = fc.oneof(
    notAnObject.map((body) => ({ body, flaw: 'body is not a JSON object' })),
    oversized.map((body) => ({ body, flaw: 'oversized body' })),
    fc.record({ concertId: fc.oneof(badId, wrongType), userId: validLookingId }).map((b) => ({ body: json(b), flaw: 'bad concertId' })),
    fc.record({ concertId: fc.constant(ctx.concertId), userId: fc.oneof(badId, wrongType) }).map((b) => ({ body: json(b), flaw: 'bad userId' })),
    fc.record({ userId: validLookingId }).map((b) => ({ body: json(b), flaw: 'concertId missing' })),
    fc.record({ concertId: fc.constant(ctx.concertId) }).map((b) => ({ body: json(b), flaw: 'userId missing' })),
    // Duplicated keys: JSON.parse keeps the last; the last one is invalid.
    fc.tuple(validLookingId, badId).map(([good, bad]) => ({
      body: `{"concertId":"${ctx.concertId}","userId":"${good}","userId":${json(bad)}}`,
      flaw: 'duplicated key, last invalid',
    })),
  );
  const tokenOps: [string, string][] = [
    ['GET', '/api/v1/queue/status'],
    ['POST', '/api/v1/queue/activate'],
    ['POST', '/api/v1/queue/extend'],
    ['DELETE', '/api/v1/queue/token'],
  ];
  const adminPaths = (id: string) => [
    ['PUT', `/admin/concerts/${id}/queue-policy`],
    ['POST', `/admin/concerts/${id}/queue/pause`],
    ['POST', `/admin/concerts/${id}/queue/resume`],
    ['GET', `/admin/concerts/${id}/queue`],
  ];
  return [
    fc.tuple(enterBody, contentType).map(([{ body, flaw }, ct]) => ({ service: 'queue' as const, method: 'POST', path: '/api/v1/queue/enter', headers: ct, body, flaw })),
    fc.tuple(fc.constantFrom(...tokenOps), tokenHeaders).map(([[method, path], headers]) => ({ service: 'queue' as const, method, path, headers, flaw: 'forged or missing token' })),
    fc.tuple(fc.constantFrom(...adminPaths(ctx.concertId)), badBearer(ctx), fc.option(fc.jsonValue().map(json), { nil: undefined })).map(([[method, path], headers, body]) => ({
      service: 'queue' as const,
      method,
      path,
      headers: [...headers, 'content-type', 'application/json'],
      body: method === 'PUT' ? body : undefined,
      flaw: 'missing or wrong admin bearer',
    })),
    // The right bearer, but a policy body that cannot be valid.
    fc
      .oneof(
        notAnObject,
        fc.record({ activeLimit: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1_000_001 }), notAnInteger) }).map(json),
        fc.record({ holdSeconds: fc.oneof(fc.double({ min: 1.1, max: 2.9, noNaN: true }), fc.constant('60')) }).map(json),
        fc.record({ sessionSeconds: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 86_401 }), notAnInteger) }).map(json),
        fc.record({ maxExtensions: fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 11 }), notAnInteger) }).map(json),
        // Not an ISO-8601 instant with its offset (a number, text, a date without time or offset).
        fc.record({ saleStartsAt: fc.oneof(fc.integer(), fc.string({ maxLength: 12 }), fc.constantFrom('2030-01-01', '2030-01-01T12:00:00', 'tomorrow', true)) }).map(json),
        fc.record({ preQueueOpensAt: fc.constant('2030-01-01T12:00:00Z') }).map(json),
        fc.constant('{}'),
      )
      .map((body) => ({
        service: 'queue' as const,
        method: 'PUT',
        path: `/admin/concerts/${ctx.concertId}/queue-policy`,
        headers: ['authorization', `Bearer ${ctx.adminToken}`, 'content-type', 'application/json'],
        body,
        flaw: 'invalid policy',
      })),
    // The right bearer, but a concert id that is not one, or does not exist.
    fc.tuple(fc.oneof(badId.filter((s) => s.length > 0 && !s.includes('/')).map(encodeURIComponent), validLookingId.map((s) => `nope-${s}`.slice(0, 64))), fc.integer({ min: 0, max: 3 })).map(([id, i]) => {
      const [method, path] = adminPaths(id)[i];
      return {
        service: 'queue' as const,
        method,
        path,
        headers: ['authorization', `Bearer ${ctx.adminToken}`, 'content-type', 'application/json'],
        body: method === 'PUT' ? '{"activeLimit":5}' : undefined,
        flaw: 'invalid or unknown concert id',
      };
    }),
    wrongMethod('queue', [
      ['/api/v1/queue/enter', ALL_BUT('POST')],
      ['/api/v1/queue/status', ALL_BUT('GET')],
      ['/api/v1/queue/activate', ALL_BUT('POST')],
      ['/api/v1/queue/extend', ALL_BUT('POST')],
      ['/api/v1/queue/token', ALL_BUT('DELETE')],
      ['/health/live', ALL_BUT('GET')],
      ['/metrics', ALL_BUT('GET')],
    ]),
    oddPath('queue'),
  ];
}

function coreRequests(ctx: FuzzContext): fc.Arbitrary<FuzzRequest>[] {
  return [
    fc.tuple(fc.oneof(fc.constant(ctx.concertId), badId.filter((s) => s.length > 0).map(encodeURIComponent)), tokenHeaders).map(([id, headers]) => ({
      service: 'core' as const,
      method: 'GET',
      path: `/api/v1/concerts/${id}/seats`,
      headers,
      flaw: 'forged or missing token',
    })),
    fc.tuple(fc.oneof(notAnObject, fc.record({ concertId: fc.oneof(badId, wrongType), seatId: fc.oneof(badId, wrongType) }).map(json), oversized), tokenHeaders).map(([body, headers]) => ({
      service: 'core' as const,
      method: 'POST',
      path: '/api/v1/reservations',
      headers: [...headers, 'content-type', 'application/json'],
      body,
      flaw: 'bad reservation request',
    })),
    fc.tuple(fc.oneof(badId.filter((s) => s.length > 0).map(encodeURIComponent), fc.uuid()), tokenHeaders).map(([id, headers]) => ({
      service: 'core' as const,
      method: 'GET',
      path: `/api/v1/reservations/${id}`,
      headers,
      flaw: 'forged or missing token',
    })),
    fc
      .tuple(
        fc.oneof(notAnObject, fc.record({ reservationId: fc.oneof(badId, wrongType, fc.uuid()) }).map(json), oversized),
        tokenHeaders,
        fc.constantFrom<string[]>([], ['idempotency-key', ''], ['idempotency-key', 'k'.repeat(300)], ['idempotency-key', 'a', 'idempotency-key', 'b']),
      )
      .map(([body, headers, key]) => ({
        service: 'core' as const,
        method: 'POST',
        path: '/api/v1/payments',
        headers: [...headers, ...key, 'content-type', 'application/json'],
        body,
        flaw: 'bad payment request',
      })),
    fc.tuple(badBearer(ctx), fc.jsonValue().map(json)).map(([headers, body]) => ({
      service: 'core' as const,
      method: 'POST',
      path: '/admin/concerts',
      headers: [...headers, 'content-type', 'application/json'],
      body,
      flaw: 'missing or wrong admin bearer',
    })),
    fc
      .oneof(
        notAnObject,
        oversized,
        fc.record({ concertId: fc.oneof(badId, wrongType), name: fc.string(), seatCount: fc.integer({ min: 1, max: 10 }), price: fc.nat() }).map(json),
        fc.record({ concertId: validLookingId, name: fc.oneof(fc.constant(''), fc.string({ minLength: 201, maxLength: 400 }), wrongType), seatCount: fc.integer({ min: 1, max: 10 }), price: fc.nat() }).map(json),
        fc.record({ concertId: validLookingId, name: fc.constant('n'), seatCount: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 10_001 }), notAnInteger), price: fc.nat() }).map(json),
        fc.record({ concertId: validLookingId, name: fc.constant('n'), seatCount: fc.constant(1), price: fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 100_000_001 }), notAnInteger) }).map(json),
      )
      .map((body) => ({
        service: 'core' as const,
        method: 'POST',
        path: '/admin/concerts',
        headers: ['authorization', `Bearer ${ctx.adminToken}`, 'content-type', 'application/json'],
        body,
        flaw: 'invalid concert',
      })),
    wrongMethod('core', [
      ['/api/v1/reservations', ALL_BUT('POST')],
      ['/api/v1/payments', ALL_BUT('POST')],
      ['/admin/concerts', ALL_BUT('POST')],
      ['/health/ready', ALL_BUT('GET')],
    ]),
    oddPath('core'),
  ];
}

function gatewayRequests(): fc.Arbitrary<FuzzRequest>[] {
  return [
    fc
      .oneof(
        notAnObject,
        oversized,
        fc.record({ amount: fc.oneof(fc.integer({ max: -1 }), notAnInteger), reference: fc.string({ maxLength: 10 }) }).map(json),
        fc.record({ amount: fc.nat(), reference: fc.oneof(fc.constant(''), fc.string({ minLength: 201, maxLength: 300 }), wrongType) }).map(json),
      )
      .map((body) => ({ service: 'gateway' as const, method: 'POST', path: '/charges', headers: ['content-type', 'application/json'], body, flaw: 'invalid charge' })),
    fc.oneof(badId.filter((s) => s.length > 0).map(encodeURIComponent), fc.uuid()).map((id) => ({
      service: 'gateway' as const,
      method: 'POST',
      path: `/charges/${id}/void`,
      headers: [],
      flaw: 'unknown charge',
    })),
    fc
      .oneof(notAnObject, fc.record({ mode: fc.oneof(fc.string({ maxLength: 10 }).filter((s) => !['approve', 'decline', 'timeout', 'error'].includes(s)), wrongType) }).map(json), fc.record({ mode: fc.constant('approve'), delayMs: fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 10_000_000 }), notAnInteger) }).map(json))
      .map((body) => ({ service: 'gateway' as const, method: 'PUT', path: '/__control/behavior', headers: ['content-type', 'application/json'], body, flaw: 'invalid behaviour' })),
    wrongMethod('gateway', [
      ['/charges', ALL_BUT('POST', 'GET')],
      ['/__control/behavior', ALL_BUT('PUT', 'DELETE')],
      ['/__control/charges', ALL_BUT('GET')],
    ]),
    oddPath('gateway'),
  ];
}

/** Methods no route of that path takes (the gateway's DELETE /__control/behavior is a real one). */
function wrongMethod(service: FuzzRequest['service'], routes: [path: string, methods: string[]][]): fc.Arbitrary<FuzzRequest> {
  return fc
    .constantFrom(...routes)
    .chain(([path, methods]) => fc.tuple(fc.constant(path), fc.constantFrom(...methods)))
    .map(([path, method]) => ({
      service,
      method,
      path,
      headers: ['content-type', 'application/json'],
      body: method === 'TRACE' ? undefined : '{}',
      flaw: 'wrong method (or no such route)',
    }));
}

const ALL_BUT = (...taken: string[]) => ['PATCH', 'OPTIONS', 'TRACE', 'PUT', 'DELETE', 'POST', 'GET'].filter((m) => !taken.includes(m));

function oddPath(service: FuzzRequest['service']): fc.Arbitrary<FuzzRequest> {
  return fc
    .oneof(
      fc.constantFrom('/', '//', '/api', '/api/v1/queue/enter/', '/api/v1/queue/enter/x', '/api/v1/../../etc/passwd', '/api/v1/queue/%ZZ', '/admin/concerts/%E0%A4%A/queue', '/api/v1/concerts//seats', '/%00', '/api/v1/reservations/%F0%9F%8E%AB'),
      fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
      fc.integer({ min: 1000, max: 7000 }).map((n) => `/api/v1/concerts/${'a'.repeat(n)}/seats`),
    )
    .map((path) => ({ service, method: 'GET', path, headers: [], flaw: 'odd path' }));
}

/** Every kind of malformed request, for every endpoint of every service, equally often. */
export function malformedRequest(ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(...queueRequests(ctx), ...coreRequests(ctx), ...gatewayRequests());
}
