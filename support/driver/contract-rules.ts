import { isDeepStrictEqual } from 'node:util';
import type { Exchange } from '../http/api-client.ts';
import { redactSecrets } from '../redact-secrets.ts';
import { contractRouteOf, type ContractRoute } from './contract-routes.ts';
import { EntryHistory, type EntryState, type Sighting } from './entry-history.ts';
import { schemas, type Policy } from './schemas.ts';

/**
 * The contract's universal rules (docs/api.md), held against every answer the suite receives and
 * every status a stream pushes, whatever the scenario is about: `call()` (stage.ts) hands each
 * request and its answer here, so every scenario gains them without a step saying so.
 *
 * Per answer: a status and error code the contract lists for the route; every refusal in the
 * error shape (answer.ts checks that); Retry-After, a positive number of seconds, on every 429
 * and 503; JSON where the contract answers JSON; a place consistent in itself (a waiting fan's
 * position within the number waiting, a deadline exactly when READY or ACTIVE, and never one
 * already past). Across answers, per entry (entry-history.ts): a status only moves forward, a
 * waiting position never rises, a READY deadline never moves, an ACTIVE one only by a box-office
 * call or an extension (never by a repeated or refused call), a gone entry stays gone, a fan has
 * one live entry, and a new entry gets a new token. A first activation, an extension and a hold
 * last what the concert's policy says, extensions are counted down one by one and refused only
 * once used up, and a payment replayed with its key is answered as the first time.
 *
 * A broken rule fails the call's step with the rule, the call and the evidence.
 */
export class ContractViolation extends Error {
  constructor(message: string) {
    super(redactSecrets(message));
    this.name = 'ContractViolation';
  }
}

/** How far the room's clock and this process's may be apart when a deadline is compared with "now". */
export const CLOCK_TOLERANCE_MS = 500;

/** A request on its way: what it is and when it was sent (performance.now()). */
export type Sent = { method: string; url: string; headers: Record<string, string>; body?: unknown; at: number };

type Ticket = { sent: Sent; route?: ContractRoute; token?: string; mover?: { what: string; lo: number; hi: number } };

type Identity = { concertId: string; userId: string };

/** Answers to a payment that end it for good: a replay with the same key must get the same. */
const FINAL_PAYMENT = new Set(['201', '402 PAYMENT_DECLINED', '409 RESERVATION_EXPIRED', '409 RESERVATION_NOT_HELD', '502 PAYMENT_GATEWAY_ERROR', '504 PAYMENT_TIMEOUT']);

/** Refusals of a box-office call that come before its token touches the turn: they move nothing. */
const NOT_TOUCHED = new Set([400, 401, 403, 410]);

export class ContractRules {
  readonly #entries = new Map<string, EntryHistory>();
  readonly #owners = new Map<string, Identity>();
  /** Tokens issued to each (concert, user) by a new entry, oldest first, with when it was made. */
  readonly #issued = new Map<string, { token: string; hi: number }[]>();
  readonly #newTokens = new Set<string>();
  readonly #policies = new Map<string, { policy: Policy; at: number }>();
  readonly #payments = new Map<string, { reservationId: string; answer: string; body: unknown }>();
  /** Rules broken by stream events or background traffic: they arrive between calls, so the next call (or the scenario's end) reports them. */
  readonly pending: string[] = [];

  /** A request is about to be sent. */
  sending(sent: Sent): Ticket {
    const route = contractRouteOf(sent.method, sent.url);
    const token = queueTokenOf(sent);
    const ticket: Ticket = { sent, route, token };
    if (token && route && (isBoxOffice(route) || route.id === 'POST /api/v1/queue/extend')) {
      // Registered before the answer: a status answered meanwhile may already show its effect.
      ticket.mover = { what: route.id, lo: sent.at, hi: Number.POSITIVE_INFINITY };
      this.#entry(token).moved(ticket.mover);
    }
    return ticket;
  }

  /** Its answer arrived (`at`: performance.now()); throws a ContractViolation naming every rule it breaks. */
  answered(ticket: Ticket, what: string, exchange: Exchange, at: number): void {
    const streamed = this.pending.splice(0);
    const broken = this.#check(ticket, what, exchange, at);
    if (broken.length === 0 && streamed.length === 0) return;
    throw new ContractViolation(`the contract is broken: ${listed([...streamed, ...(broken.length ? [`${what}: ${broken.join('; ')}`] : [])])}`);
  }

  /** Its answer arrived, for a caller that must not be interrupted (traffic in the background): what it breaks waits in `pending`. */
  witnessed(ticket: Ticket, what: string, exchange: Exchange, at: number): void {
    const broken = this.#check(ticket, what, exchange, at);
    if (broken.length) this.pending.push(`${what}: ${broken.join('; ')}`);
  }

  /** A status event a stream pushed for `token`: its JSON as sent, the stream's opening and the event's arrival. */
  pushed(token: string, what: string, data: string, openedAt: number, at: number, previous?: Sighting): Sighting | undefined {
    const sighting = sightingOfEvent(what, data, openedAt, at);
    if (!sighting) {
      this.pending.push(`${what}: the stream pushed a status that is not what the contract describes: ${data.slice(0, 200)}`);
      return undefined;
    }
    const entry = this.#entry(token);
    const broken = [...entry.see(sighting), ...(previous ? entry.seeInOrder(previous, sighting) : []), ...placeRules(sighting, what)];
    this.pending.push(...broken.map((rule) => `${what}: ${rule}`));
    return sighting;
  }

  #check(ticket: Ticket, what: string, exchange: Exchange, at: number): string[] {
    const { route, token, sent } = ticket;
    if (ticket.mover && token && route) {
      ticket.mover.hi = at;
      // A box-office refusal that came before the token touched the turn, or a refused extension, moved nothing.
      const extension = route.id === 'POST /api/v1/queue/extend';
      const idle = extension ? exchange.status >= 400 && exchange.status !== 503 : NOT_TOUCHED.has(exchange.status);
      if (idle) this.#entry(token).unmoved(ticket.mover);
    }
    if (!route || exchange.status === 0) return [];
    const broken = answerRules(route, exchange);
    const span = { lo: sent.at, hi: at };
    this.#learnPolicy(route, exchange, at);
    if (route.id === 'POST /api/v1/queue/enter') broken.push(...this.#entered(what, sent, exchange, span));
    if (token) broken.push(...this.#forEntry(ticket, route, token, what, exchange, span));
    if (route.id === 'POST /api/v1/payments') broken.push(...this.#paid(sent, token, exchange));
    return broken;
  }

  /** A new entry gets a token never seen; entering again gets the live one back, never a dead one. */
  #entered(what: string, sent: Sent, exchange: Exchange, span: { lo: number; hi: number }): string[] {
    const entry = schemas.entry.safeParse(exchange.body);
    const request = sent.body as { concertId?: unknown; userId?: unknown } | undefined;
    if (!entry.success || typeof request?.concertId !== 'string' || typeof request.userId !== 'string') return [];
    const { token } = entry.data;
    const identity = { concertId: request.concertId, userId: request.userId };
    const key = `${identity.concertId}\n${identity.userId}`;
    const issued = this.#issued.get(key) ?? [];
    const broken: string[] = [];
    if (exchange.status === 201) {
      if (this.#newTokens.has(token)) broken.push('a new entry gets a new token, but this one was issued before');
      this.#newTokens.add(token);
      issued.push({ token, hi: span.hi });
      this.#issued.set(key, issued);
    } else if (exchange.status === 200) {
      const latest = issued.at(-1);
      if (latest && latest.token !== token) broken.push("entering again while the place is alive returns the same token, but this is not the fan's latest");
      const gone = this.#entries.get(token)?.goneBefore(span.lo);
      if (gone) broken.push(`entering again after the place was lost starts afresh (201), but the dead token came back (gone since ${gone.what})`);
    }
    this.#owners.set(token, identity);
    const sighting: Sighting = { what, ...span, states: [entry.data.status], position: entry.data.position };
    broken.push(...placeRules(sighting, what, entry.data.totalWaiting), ...this.#sight(token, sighting));
    return broken;
  }

  /** What an answer to a call carrying a queue token says of that entry. */
  #forEntry(ticket: Ticket, route: ContractRoute, token: string, what: string, exchange: Exchange, span: { lo: number; hi: number }): string[] {
    const { status } = exchange;
    const code = schemas.error.safeParse(exchange.body).data?.error.code;
    const entry = this.#entry(token);
    const see = (states: EntryState[], extra: Partial<Sighting> = {}) => this.#sight(token, { what, ...span, states, ...extra });
    if (status === 410) return see(['GONE']);
    switch (route.id) {
      case 'GET /api/v1/queue/status': {
        const view = schemas.status.safeParse(exchange.body);
        if (!view.success) return [];
        const { status: state, position, expiresAt } = view.data;
        const told = { position, expiresAt: expiresAt === null ? undefined : Date.parse(expiresAt) };
        return [...placeRules({ what, ...span, states: [state], ...told }, what, view.data.totalWaiting, expiresAt), ...see([state], told)];
      }
      case 'POST /api/v1/queue/activate': {
        // A repeat, or an activation whose first answer was lost: its deadline was set before.
        const repeat = entry.activated;
        if (status === 200 || status === 503) entry.activated = true;
        if (status === 409) return see(['PRE_QUEUE', 'WAITING']);
        const view = schemas.activation.safeParse(exchange.body);
        if (!view.success) return [];
        const expiresAt = Date.parse(view.data.expiresAt);
        const firstTurn = !repeat && !entry.sightings.some((s) => s.states.includes('ACTIVE'));
        return [...see(['ACTIVE'], { expiresAt }), ...(firstTurn ? this.#turnLasts(token, span, expiresAt) : [])];
      }
      case 'POST /api/v1/queue/extend':
        return this.#extended(token, exchange, code, span, (states, extra) => see(states, { ...extra, movedBy: ticket.mover }));
      case 'DELETE /api/v1/queue/token':
        if (status !== 204) return [];
        // Alive when it was ended; gone for anyone who asks after the answer.
        return [...see(['PRE_QUEUE', 'WAITING', 'READY', 'ACTIVE']), ...this.#sight(token, { what, lo: span.hi, hi: span.hi, states: ['GONE'] })];
      default:
        if (!isBoxOffice(route) || route.id === 'POST /api/v1/payments') return [];
        if (code === 'TOKEN_NOT_ACTIVE') return see(['PRE_QUEUE', 'WAITING', 'READY']);
        // Past the token check (served, or refused for the seat or reservation): she was shopping.
        if ((status >= 200 && status < 300) || status === 404 || status === 409) return [...see(['ACTIVE']), ...this.#heldAsLong(token, route, exchange, span)];
        return [];
    }
  }

  #extended(token: string, exchange: Exchange, code: string | undefined, span: { lo: number }, see: (states: EntryState[], extra?: Partial<Sighting>) => string[]): string[] {
    const entry = this.#entry(token);
    const most = this.#policyFor(token, span.lo)?.maxExtensions;
    if (exchange.status === 0 || exchange.status === 503) entry.extensionsUncertain = true;
    if (code === 'NOT_ACTIVE') return see(['PRE_QUEUE', 'WAITING', 'READY']);
    if (code === 'EXTENSION_LIMIT') {
      const early = most !== undefined && !entry.extensionsUncertain && entry.extensionsGranted < most;
      return [...see(['ACTIVE']), ...(early ? [`an extension is refused only once all ${most} are used, but this turn had ${entry.extensionsGranted}`] : [])];
    }
    const view = schemas.extension.safeParse(exchange.body);
    if (exchange.status !== 200 || !view.success) return [];
    entry.extensionsGranted += 1;
    const broken = see(['ACTIVE'], { expiresAt: Date.parse(view.data.expiresAt) });
    if (most !== undefined && !entry.extensionsUncertain && view.data.extensionsLeft !== Math.max(0, most - entry.extensionsGranted)) {
      broken.push(`extensions are counted down one by one from ${most}, but after ${entry.extensionsGranted} granted ${view.data.extensionsLeft} are left`);
    }
    if (most !== undefined && !entry.extensionsUncertain && entry.extensionsGranted > most) broken.push(`at most ${most} extensions, but this is number ${entry.extensionsGranted}`);
    return broken;
  }

  /** A first activation's turn ends after the idle time or the session, whichever is shorter. */
  #turnLasts(token: string, span: { lo: number; hi: number }, expiresAt: number): string[] {
    const policy = this.#policyFor(token, span.lo);
    if (!policy) return [];
    const lasts = Math.min(policy.activeIdleSeconds, policy.sessionSeconds) * 1000;
    if (lastsAsLong(expiresAt, span, lasts)) return [];
    return [`a turn started now lasts ${lasts / 1000} s (the idle time or the session, whichever is shorter), but ends ${((expiresAt - performanceToEpoch(span.hi)) / 1000).toFixed(1)} s after the answer`];
  }

  /** A new hold lasts the concert's holdSeconds. */
  #heldAsLong(token: string, route: ContractRoute, exchange: Exchange, span: { lo: number; hi: number }): string[] {
    if (route.id !== 'POST /api/v1/reservations' || exchange.status !== 201) return [];
    const hold = schemas.reservation.safeParse(exchange.body);
    const policy = this.#policyFor(token, span.lo);
    if (!hold.success || !policy) return [];
    const ends = Date.parse(hold.data.expiresAt);
    if (lastsAsLong(ends, span, policy.holdSeconds * 1000)) return [];
    return [`a hold lasts the concert's ${policy.holdSeconds} s, but this one ends ${((ends - performanceToEpoch(span.hi)) / 1000).toFixed(1)} s after the answer`];
  }

  /** A payment replayed with its key is answered as the first time; the key cannot pay for another reservation. */
  #paid(sent: Sent, token: string | undefined, exchange: Exchange): string[] {
    const key = sent.headers['idempotency-key'];
    const reservationId = (sent.body as { reservationId?: unknown } | undefined)?.reservationId;
    if (!key || !token || typeof reservationId !== 'string') return [];
    const owner = this.#owners.get(token);
    const scope = `${owner ? `${owner.concertId}\n${owner.userId}` : token}\n${key}`;
    const code = schemas.error.safeParse(exchange.body).data?.error.code;
    const answer = code ? `${exchange.status} ${code}` : String(exchange.status);
    if (!FINAL_PAYMENT.has(answer)) return [];
    const first = this.#payments.get(scope);
    if (!first) {
      this.#payments.set(scope, { reservationId: reservationId.toLowerCase(), answer, body: exchange.body });
      return [];
    }
    if (first.reservationId !== reservationId.toLowerCase()) return [`a payment key used for another reservation is refused (422), but it was answered ${answer}`];
    if (first.answer !== answer || !isDeepStrictEqual(first.body, exchange.body)) return [`a payment replayed with its key is answered as the first time (${first.answer}), but got ${answer}`];
    return [];
  }

  #sight(token: string, sighting: Sighting): string[] {
    const broken = this.#entry(token).see(sighting);
    const owner = this.#owners.get(token);
    if (owner && !sighting.states.includes('GONE')) {
      // A newer entry of hers made before this was asked: the old one must have ended by then.
      const issued = this.#issued.get(`${owner.concertId}\n${owner.userId}`) ?? [];
      const mine = issued.findIndex((i) => i.token === token);
      const newer = mine < 0 ? undefined : issued.slice(mine + 1).find((i) => i.hi < sighting.lo);
      if (newer) broken.push('a fan has one live entry, but this token still answers after a new entry was made for her');
    }
    return broken;
  }

  #learnPolicy(route: ContractRoute, exchange: Exchange, at: number): void {
    if (exchange.status !== 200) return;
    const concertId = decodeURIComponent(new URL(exchange.url).pathname.split('/')[3] ?? '');
    if (route.id === 'PUT /admin/concerts/{concertId}/queue-policy') {
      const policy = schemas.policy.safeParse(exchange.body);
      if (policy.success) this.#policies.set(concertId, { policy: policy.data, at });
    } else if (route.id === 'GET /admin/concerts/{concertId}/queue') {
      const stats = schemas.stats.safeParse(exchange.body);
      if (stats.success) this.#policies.set(concertId, { policy: stats.data.policy, at });
    }
  }

  /** The policy of the token's concert, as last answered before `before` (a call's sending). */
  #policyFor(token: string, before = Number.POSITIVE_INFINITY): Policy | undefined {
    const owner = this.#owners.get(token);
    const known = owner && this.#policies.get(owner.concertId);
    return known && known.at < before ? known.policy : undefined;
  }

  #entry(token: string): EntryHistory {
    let entry = this.#entries.get(token);
    if (!entry) {
      entry = new EntryHistory();
      this.#entries.set(token, entry);
    }
    return entry;
  }
}

/** Broken rules for a message: the first few, and how many more. */
export const listed = (broken: readonly string[]) => broken.slice(0, 5).join(' | ') + (broken.length > 5 ? ` | and ${broken.length - 5} more` : '');

/** Rules one answer keeps by itself: its status and code, Retry-After, its content type. */
export function answerRules(route: ContractRoute, exchange: Exchange): string[] {
  const { status, responseHeaders: headers } = exchange;
  const broken: string[] = [];
  const codes = route.answers[status];
  const code = schemas.error.safeParse(exchange.body).data?.error.code;
  if (codes === undefined) broken.push(`${route.id} answers ${Object.keys(route.answers).join(', ')}, never ${status}`);
  else if (codes.length > 0 && route.refusesInContractShape && !codes.includes(code ?? '')) broken.push(`${route.id} refuses with ${status} ${codes.join(' or ')}, not ${status} ${code}`);
  if ((status === 429 || status === 503) && route.refusesInContractShape && !/^[1-9]\d*$/.test(headers['retry-after'] ?? '')) {
    broken.push(`every ${status} says when to retry (Retry-After, a positive number of seconds), but this one has ${headers['retry-after'] === undefined ? 'none' : `"${headers['retry-after']}"`}`);
  }
  const type = headers['content-type'] ?? '';
  const streamed = route.body === 'event-stream' && status === 200;
  const expected = streamed ? 'text/event-stream' : route.body === 'text' && status === 200 ? 'text/plain' : 'application/json';
  if (status !== 204 && !type.includes(expected)) broken.push(`${route.id} answers ${status} as ${expected}, not "${type}"`);
  return broken;
}

/** A place consistent in itself: a position only while waiting and within the number waiting, a deadline exactly when READY or ACTIVE and not already past. */
function placeRules(sighting: Sighting, what: string, totalWaiting?: number, expiresAt?: string | null): string[] {
  const [state] = sighting.states;
  const broken: string[] = [];
  const waiting = state === 'WAITING';
  if (waiting !== (typeof sighting.position === 'number')) broken.push(`a position is told exactly while WAITING, but ${what} was ${state} at ${sighting.position}`);
  if (waiting && totalWaiting !== undefined && (sighting.position ?? 0) > totalWaiting) broken.push(`a position is within the number waiting, but ${sighting.position} of ${totalWaiting}`);
  const timed = state === 'READY' || state === 'ACTIVE';
  if (expiresAt !== undefined && timed !== (expiresAt !== null)) broken.push(`a deadline is told exactly while READY or ACTIVE, but ${state} with ${expiresAt}`);
  if (timed && sighting.expiresAt !== undefined && sighting.expiresAt < performanceToEpoch(sighting.lo) - CLOCK_TOLERANCE_MS) {
    broken.push(`an entry past its deadline is expired when read, but it was shown ${state} until ${new Date(sighting.expiresAt).toISOString()}, ${Math.round(performanceToEpoch(sighting.lo) - sighting.expiresAt)} ms before the request`);
  }
  return broken;
}

/** A stream's status event as a sighting: the place it pushed, or the end of the entry. */
function sightingOfEvent(what: string, data: string, openedAt: number, at: number): Sighting | undefined {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return undefined;
  }
  // Pushed some time after the stream opened: only its order in the stream is known more exactly.
  const span = { what, lo: openedAt, hi: at };
  if (schemas.error.safeParse(body).data?.error.code === 'TOKEN_EXPIRED') return { ...span, states: ['GONE'] };
  const view = schemas.status.safeParse(body);
  if (!view.success) return undefined;
  // A stream's deadline is not compared with "now": the event may have waited in a buffer.
  return { ...span, states: [view.data.status], position: view.data.position, expiresAt: view.data.expiresAt === null ? undefined : Date.parse(view.data.expiresAt) };
}

const isBoxOffice = (route: ContractRoute) => route.id.startsWith('GET /api/v1/concerts') || route.id.includes('/api/v1/reservations') || route.id === 'POST /api/v1/payments';

function queueTokenOf(sent: Sent): string | undefined {
  const header = sent.headers['x-queue-token'];
  if (header) return header;
  return new URL(sent.url).searchParams.get('token') ?? undefined;
}

// performance.now() and the wall clock differ by a fixed offset within this process.
const performanceToEpoch = (at: number) => performance.timeOrigin + at;

/** Whether a deadline (epoch ms) set while a call was under way (its span, performance.now()) lies `ms` after it. */
const lastsAsLong = (deadline: number, span: { lo: number; hi: number }, ms: number) =>
  deadline >= performanceToEpoch(span.lo) + ms - CLOCK_TOLERANCE_MS && deadline <= performanceToEpoch(span.hi) + ms + CLOCK_TOLERANCE_MS;
