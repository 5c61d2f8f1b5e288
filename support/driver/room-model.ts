import { isDeepStrictEqual } from 'node:util';
import type { Exchange } from '../http/api-client.ts';
import { contractRouteOf } from './contract-routes.ts';
import type { Sent } from './contract-rules.ts';
import { schemas, type Policy, type QueueStats } from './schemas.ts';

/**
 * The waiting room of each concert the scenario created, as its fans and its operator made it:
 * every answer the scenario got (`call()`, stage.ts) is counted here, and after the scenario
 * (support/hooks/room-statistics-agree.ts) the operator's statistics must agree with it.
 *
 * Exact where the model knows: entries made (201s), pre-queue entries, exits (204s), bookings
 * (completed payments), extensions granted, whether admission is paused, the policy last set.
 * Where background duties act (the promoter admits and expires), laws that hold at every instant:
 * every entry made is waiting, in the pre-queue, let in, shopping, or ended one way
 * (entered = waiting + preQueued + ready + active + exited + expired + completed); only a fan
 * who was let in can lapse or book (ready + active + expired + completed ≤ admitted ≤ that +
 * exited); at least every fan seen let in was admitted, every fan seen lose her place without
 * leaving or booking expired.
 *
 * The model counts acknowledged answers only. A request answered 503 or not at all may or may not
 * have happened: its count becomes a range. Fans it never saw (a fault scenario's traffic,
 * support/chaos/) leave only the laws.
 */
type Room = {
  entries: Set<string>;
  preQueueEntries: number;
  leaves: number;
  bookings: Set<string>;
  extensions: number;
  /** Requests of each kind whose outcome is unknown (503, no answer). */
  unknown: { enter: number; leave: number; pay: number; extend: number; operator: number };
  letIn: Set<string>;
  lost: Set<string>;
  /** Tokens whose entry this scenario ended (left or booked), or may have (no answer). */
  endedHere: Set<string>;
  paused?: boolean;
  policy?: Policy;
  unseenFans: boolean;
};

/** Calls only a fan who was let in can have succeed (payments aside: a replay is answered even after the turn). */
const SHOPPING = new Set([
  'POST /api/v1/queue/activate',
  'POST /api/v1/queue/extend',
  'GET /api/v1/concerts/{concertId}/seats',
  'POST /api/v1/reservations',
  'GET /api/v1/reservations/{reservationId}',
]);

const newRoom = (): Room => ({
  entries: new Set(),
  preQueueEntries: 0,
  leaves: 0,
  bookings: new Set(),
  extensions: 0,
  unknown: { enter: 0, leave: 0, pay: 0, extend: 0, operator: 0 },
  letIn: new Set(),
  lost: new Set(),
  endedHere: new Set(),
  unseenFans: false,
});

export class RoomModel {
  readonly #rooms = new Map<string, Room>();
  readonly #concertOf = new Map<string, string>();

  /** The concerts the scenario put on sale. */
  concerts(): string[] {
    return [...this.#rooms.keys()];
  }

  /** Fans the model cannot see enter this concert (traffic kept outside the transcript). */
  unseenFansEnter(concertId: string): void {
    const room = this.#rooms.get(concertId);
    if (room) room.unseenFans = true;
  }

  /** Admission resumed by a fault, not by the operator (a promoter that dies midway resumes it first). */
  resumedByFault(concertId: string): void {
    const room = this.#rooms.get(concertId);
    if (room) room.paused = false;
  }

  /** Counts one answer (status 0: none came). */
  saw(sent: Sent, exchange: Exchange): void {
    const route = contractRouteOf(sent.method, sent.url);
    if (!route) return;
    const { status } = exchange;
    const uncertain = status === 0 || status === 503;
    const body = (sent.body ?? {}) as Record<string, unknown>;
    if (route.id === 'POST /admin/concerts') {
      if (status === 201 && typeof body.concertId === 'string') this.#rooms.set(body.concertId, newRoom());
      return;
    }
    if (route.caller === 'operator') return this.#operated(route.id, sent.url, exchange);
    if (route.id === 'POST /api/v1/queue/enter') return this.#entered(body, exchange);
    const token = sent.headers['x-queue-token'];
    const room = token === undefined ? undefined : this.#room(this.#concertOf.get(token));
    if (!room || !token) return;
    const code = schemas.error.safeParse(exchange.body).data?.error.code;
    if (status === 410) room.lost.add(token);
    if (route.id === 'DELETE /api/v1/queue/token') {
      if (status === 204) room.leaves += 1;
      if (uncertain) room.unknown.leave += 1;
      if (status === 204 || uncertain) room.endedHere.add(token);
    } else if (route.id === 'POST /api/v1/payments') {
      const paid = schemas.payment.safeParse(exchange.body);
      if (status === 201 && paid.success) room.bookings.add(paid.data.paymentId);
      if (uncertain) room.unknown.pay += 1;
      if (status === 201 || uncertain) room.endedHere.add(token);
    } else if (route.id === 'POST /api/v1/queue/extend') {
      if (status === 200) room.extensions += 1;
      if (uncertain) room.unknown.extend += 1;
    }
    // Let in: told READY or ACTIVE, shopping (started, extended) or served at the box office.
    const place = route.id === 'GET /api/v1/queue/status' ? schemas.status.safeParse(exchange.body).data?.status : undefined;
    if (status >= 200 && status < 300 && (SHOPPING.has(route.id) || place === 'READY' || place === 'ACTIVE')) room.letIn.add(token);
    if (code === 'EXTENSION_LIMIT') room.letIn.add(token);
  }

  /** What the operator's statistics of `concertId` get wrong, against the model; none when they agree. */
  disagreements(concertId: string, stats: QueueStats): string[] {
    const room = this.#rooms.get(concertId);
    if (!room) return [];
    const wrong: string[] = [];
    const unseen = room.unseenFans ? Number.POSITIVE_INFINITY : 0;
    const within = (name: string, seen: number | undefined, least: number, unknown: number) => {
      if (seen === undefined) return;
      const most = least + unknown + unseen;
      if (seen < least || seen > most) wrong.push(`${name} is ${seen}, where the fans made ${most === least ? least : `${least} to ${most}`}`);
    };
    within('entered', stats.entered, room.entries.size, room.unknown.enter);
    within('preQueueEntered', stats.preQueueEntered, room.preQueueEntries, room.unknown.enter);
    within('exited', stats.exited, room.leaves, room.unknown.leave);
    within('completed', stats.completed, room.bookings.size, room.unknown.pay);
    within('extended', stats.extended, room.extensions, room.unknown.extend);

    const { waiting, preQueued, ready, active, exited, expired, completed, admitted, entered } = stats;
    const ended = exited + expired + completed;
    if (entered !== waiting + preQueued + ready + active + ended) {
      wrong.push(`every entry is waiting, pre-queued, let in, shopping or ended, but ${entered} entered and ${waiting} + ${preQueued} + ${ready} + ${active} + ${exited} + ${expired} + ${completed} are accounted for`);
    }
    const letIn = ready + active + expired + completed;
    if (admitted < letIn || admitted > letIn + exited) wrong.push(`only fans let in lapse or book: admitted is ${admitted}, where ready + active + expired + completed is ${letIn} and ${exited} left`);
    if (admitted < room.letIn.size) wrong.push(`admitted is ${admitted}, but ${room.letIn.size} fans were seen let in`);
    const lapsed = [...room.lost].filter((token) => !room.endedHere.has(token)).length;
    if (expired < lapsed) wrong.push(`expired is ${expired}, but ${lapsed} fans lost their place without leaving or booking`);
    if (room.unknown.operator === 0 && room.paused !== undefined && stats.paused !== room.paused) wrong.push(`admission is ${stats.paused ? 'paused' : 'running'}, but the operator last ${room.paused ? 'paused' : 'resumed'} it`);
    if (room.unknown.operator === 0 && room.policy && !isDeepStrictEqual(stats.policy, room.policy)) wrong.push(`the policy is ${JSON.stringify(stats.policy)}, but the operator last set ${JSON.stringify(room.policy)}`);
    return wrong;
  }

  #entered(body: Record<string, unknown>, exchange: Exchange): void {
    const room = this.#room(typeof body.concertId === 'string' ? body.concertId : undefined);
    if (!room) return;
    if (exchange.status === 0 || exchange.status === 503) room.unknown.enter += 1;
    const entry = schemas.entry.safeParse(exchange.body);
    if (!entry.success) return;
    this.#concertOf.set(entry.data.token, body.concertId as string);
    if (exchange.status === 201) {
      room.entries.add(entry.data.token);
      if (entry.data.status === 'PRE_QUEUE') room.preQueueEntries += 1;
    }
    if (entry.data.status === 'READY' || entry.data.status === 'ACTIVE') room.letIn.add(entry.data.token);
  }

  #operated(routeId: string, url: string, exchange: Exchange): void {
    const room = this.#room(decodeURIComponent(new URL(url).pathname.split('/')[3] ?? ''));
    if (!room || routeId === 'GET /admin/concerts/{concertId}/queue') return;
    if (exchange.status === 0 || exchange.status === 503) room.unknown.operator += 1;
    if (exchange.status === 204) room.paused = routeId.endsWith('/pause');
    const policy = schemas.policy.safeParse(exchange.body);
    if (exchange.status === 200 && policy.success) room.policy = policy.data;
  }

  #room(concertId: string | undefined): Room | undefined {
    return concertId === undefined ? undefined : this.#rooms.get(concertId);
  }
}
