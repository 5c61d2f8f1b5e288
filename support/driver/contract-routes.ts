/**
 * Every route of docs/api.md with the statuses (and error codes) the contract lets it answer and
 * the kind of body it answers with: what the universal rules (contract-rules.ts) hold each answer
 * to. A status or code the contract does not list for a route (a 500, say, or 404 on a route
 * that names no resource) is a broken contract wherever it turns up.
 */

/** Status → the error codes it may carry (`[]`: a success, no code). */
export type Answers = Readonly<Record<number, readonly string[]>>;

export type ContractRoute = {
  /** "POST /api/v1/queue/enter", as docs/api.md writes it. */
  id: string;
  method: string;
  path: RegExp;
  answers: Answers;
  /** What a success's body is: JSON, text (metrics), an event stream, or none (204). */
  body: 'json' | 'text' | 'event-stream';
  /** Who the call speaks for: a fan's queue token, the operators' key, or nobody. */
  caller: 'fan' | 'operator' | 'anyone';
  /** Whether its refusals are the error shape and its 429/503 carry Retry-After (not the health probe's 503). */
  refusesInContractShape: boolean;
};

// Any call: an unusable body, a method the path does not take, a body over 16 kB, an outage.
const ANY: Answers = { 400: ['VALIDATION_FAILED'], 405: ['METHOD_NOT_ALLOWED'], 413: ['PAYLOAD_TOO_LARGE'], 503: ['SERVICE_UNAVAILABLE'] };
const QUEUE_TOKEN: Answers = { 401: ['TOKEN_MISSING', 'TOKEN_INVALID'], 410: ['TOKEN_EXPIRED'] };
const BOX_OFFICE_TOKEN: Answers = { ...QUEUE_TOKEN, 403: ['TOKEN_NOT_ACTIVE', 'TOKEN_WRONG_CONCERT'] };
const OPERATOR: Answers = { 401: ['ADMIN_UNAUTHORIZED'] };
const ROOM: Answers = { ...OPERATOR, 404: ['CONCERT_NOT_FOUND'] };
const RATE_LIMITED: Answers = { 429: ['RATE_LIMITED'] };

const ID = '[^/?]+';
const route = (
  id: string,
  answers: Answers,
  options: { body?: ContractRoute['body']; caller?: ContractRoute['caller']; refusesInContractShape?: boolean } = {},
): ContractRoute => {
  const [method, path] = id.split(' ');
  const pattern = new RegExp(`^${path.replace(/\{\w+\}/g, ID)}$`);
  return { id, method, path: pattern, answers: { ...ANY, ...answers }, body: options.body ?? 'json', caller: options.caller ?? 'anyone', refusesInContractShape: options.refusesInContractShape ?? true };
};

export const CONTRACT_ROUTES: readonly ContractRoute[] = [
  route('POST /api/v1/queue/enter', { 200: [], 201: [], 404: ['CONCERT_NOT_FOUND'], 409: ['QUEUE_NOT_OPEN'], ...RATE_LIMITED }),
  route('GET /api/v1/queue/status', { 200: [], ...QUEUE_TOKEN, ...RATE_LIMITED }, { caller: 'fan' }),
  route('GET /api/v1/queue/events', { 200: [], ...QUEUE_TOKEN, ...RATE_LIMITED }, { caller: 'fan', body: 'event-stream' }),
  route('POST /api/v1/queue/activate', { 200: [], ...QUEUE_TOKEN, 409: ['NOT_READY'] }, { caller: 'fan' }),
  route('POST /api/v1/queue/extend', { 200: [], ...QUEUE_TOKEN, 409: ['NOT_ACTIVE', 'EXTENSION_LIMIT'] }, { caller: 'fan' }),
  route('DELETE /api/v1/queue/token', { 204: [], ...QUEUE_TOKEN }, { caller: 'fan' }),

  route('GET /api/v1/concerts/{concertId}/seats', { 200: [], ...BOX_OFFICE_TOKEN, 404: ['CONCERT_NOT_FOUND'] }, { caller: 'fan' }),
  route('POST /api/v1/reservations', { 200: [], 201: [], ...BOX_OFFICE_TOKEN, 404: ['SEAT_NOT_FOUND'], 409: ['SEAT_UNAVAILABLE', 'RESERVATION_LIMIT'] }, { caller: 'fan' }),
  route('GET /api/v1/reservations/{reservationId}', { 200: [], ...BOX_OFFICE_TOKEN, 404: ['RESERVATION_NOT_FOUND'] }, { caller: 'fan' }),
  route(
    'POST /api/v1/payments',
    {
      201: [],
      ...BOX_OFFICE_TOKEN,
      402: ['PAYMENT_DECLINED'],
      404: ['RESERVATION_NOT_FOUND'],
      409: ['RESERVATION_EXPIRED', 'RESERVATION_NOT_HELD', 'PAYMENT_IN_PROGRESS'],
      422: ['IDEMPOTENCY_KEY_REUSED'],
      502: ['PAYMENT_GATEWAY_ERROR'],
      504: ['PAYMENT_TIMEOUT'],
    },
    { caller: 'fan' },
  ),

  route('POST /admin/concerts', { 201: [], ...OPERATOR, 409: ['CONCERT_EXISTS'] }, { caller: 'operator' }),
  route('PUT /admin/concerts/{concertId}/queue-policy', { 200: [], ...ROOM, 409: ['SALE_ALREADY_STARTED', 'SHARDS_LOCKED'] }, { caller: 'operator' }),
  route('POST /admin/concerts/{concertId}/queue/pause', { 204: [], ...ROOM }, { caller: 'operator' }),
  route('POST /admin/concerts/{concertId}/queue/resume', { 204: [], ...ROOM }, { caller: 'operator' }),
  route('GET /admin/concerts/{concertId}/queue', { 200: [], ...ROOM }, { caller: 'operator' }),

  route('GET /health/live', { 200: [] }),
  // Not ready is a 503 whose body says which check is down, not an error to retry.
  route('GET /health/ready', { 200: [], 503: [] }, { refusesInContractShape: false }),
  route('GET /metrics', { 200: [] }, { body: 'text' }),

  route('PUT /__control/behavior', { 200: [] }),
  route('DELETE /__control/behavior', { 204: [] }),
  route('GET /__control/charges', { 200: [] }),
];

/** Answers to a method the path does not take. */
const WRONG_METHOD: Answers = { 405: ['METHOD_NOT_ALLOWED'], 413: ['PAYLOAD_TOO_LARGE'], 503: ['SERVICE_UNAVAILABLE'] };

/**
 * The contract's route for a request, or, for a path of the contract asked with another method,
 * what any such request may be answered; undefined for a path the contract does not have (the
 * runner's fault-injection server).
 */
export function contractRouteOf(method: string, url: string): ContractRoute | undefined {
  const path = new URL(url).pathname;
  const sameMethod = CONTRACT_ROUTES.find((r) => r.method === method && r.path.test(path));
  if (sameMethod) return sameMethod;
  const samePath = CONTRACT_ROUTES.find((r) => r.path.test(path));
  if (!samePath) return undefined;
  return { ...samePath, id: `${method} ${samePath.id.split(' ')[1]}`, method, answers: WRONG_METHOD };
}
