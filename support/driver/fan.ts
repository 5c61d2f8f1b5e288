import { randomUUID } from 'node:crypto';
import { target } from '../target.ts';
import { eventually, poll } from '../polling.ts';
import { Answer } from './answer.ts';
import { routes } from './routes.ts';
import { schemas, type EntryView, type ExtensionView, type PaymentView, type ReservationView, type SeatsView, type StatusView } from './schemas.ts';
import { asSent, call, queueServers, type Stage } from './stage.ts';
import { openEventStream, type EventStream, type StreamEvent } from '../http/event-stream.ts';
import type { Exchange } from '../http/api-client.ts';
import { PlaceStream, type Told } from './place-stream.ts';

/** A fan's place in one concert's queue: the token that proves it, and the tokens before it. */
type Pass = { token?: string; tokenBefore?: string; entry?: EntryView; turn?: Turn };

/** What she was told of her shopping turn: when it ends (at starting, then after each extension), extensions left. */
type Turn = { ends: string[]; extensionsLeft?: number };

/** Which token a call carries: the fan's own (default), a given one, or none (`null`). */
type Carrying = { token?: string | null; concert?: string };

const QUEUE_TOKEN = 'x-queue-token';

/** Her place as a failure message shows it: "WAITING at position 3", or the refusal ("410 TOKEN_EXPIRED"). */
const placeIn = (answer: Answer<StatusView>) => (answer.succeeded ? `${answer.value.status} at position ${answer.value.position}` : String(answer));

/** Her place in the words scenarios use for it ("WAITING at position 3", "let in", "shopping"), or the refusal. */
const PLACE_WORDS = { PRE_QUEUE: 'in the pre-queue', WAITING: 'WAITING', READY: 'let in', ACTIVE: 'shopping' } as const;
const placeInWords = (answer: Answer<StatusView>) =>
  !answer.succeeded ? String(answer) : answer.value.status === 'WAITING' ? `WAITING at position ${answer.value.position}` : PLACE_WORDS[answer.value.status];

/** A well-formed reservation id nobody holds. */
export const NOBODYS_RESERVATION = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

/**
 * A fan, as the waiting room and the box office see one: she enters a concert's queue, waits
 * until she is let in, starts shopping, reserves a seat, pays, leaves. Each method is one HTTP
 * call (or a bounded wait made of them) and returns the checked answer; the fan keeps what a
 * real client would keep (her token, her reservation).
 */
export class Fan {
  readonly name: string;
  readonly userId: string;
  /** Every reservation the box office granted her, oldest first. */
  readonly reservations: ReservationView[] = [];
  readonly #stage: Stage;
  readonly #passes = new Map<string, Pass>();
  /** The status streams she opened, latest last. */
  readonly #streams: PlaceStream[] = [];

  constructor(stage: Stage, name: string, runId: string) {
    this.#stage = stage;
    this.name = name;
    this.userId = `${name.toLowerCase().replace(/[^a-z0-9]/g, '-')}-${runId}`;
  }

  toString(): string {
    return this.name;
  }

  // ---- Her place in the queue --------------------------------------------------------------

  async enter(options: { concert?: string; through?: number } = {}): Promise<Answer<EntryView>> {
    const concertId = this.#stage.concertId(options.concert);
    const answer = await call(this.#stage, `${this} entering the queue`, queueServers.url(options.through), routes.queue.enter(), schemas.entry, {
      body: { concertId, userId: this.userId },
    });
    if (answer.succeeded) {
      const pass = this.#pass(options.concert);
      pass.tokenBefore = pass.token;
      pass.token = answer.value.token;
      pass.entry = answer.value;
    }
    return answer;
  }

  /** An entry request with any body, or text sent as is: for requests the contract refuses. */
  enterAsIs(request: unknown) {
    return call(this.#stage, `${this} sending an unusable entry request`, queueServers.url(), routes.queue.enter(), schemas.entry, asSent(request));
  }

  /** Tries to enter every 500 ms (bounded, 15 s) while the queue is not open yet; the first other answer. */
  enterOnceOpen(): Promise<Answer<EntryView>> {
    return eventually(() => this.enter(), (answer) => answer.code !== 'QUEUE_NOT_OPEN', {
      what: `the queue to open for ${this}`,
      timeoutMs: 15_000,
      intervalMs: 500,
      describe: String,
    });
  }

  /** When a refused entry (409 QUEUE_NOT_OPEN) said the queue opens. */
  toldOpensAt(answer: Answer<unknown>): string {
    const told = schemas.queueNotOpen.safeParse(answer.exchange.body);
    if (!told.success) throw new Error(`${answer.what} was answered ${answer} without saying when the queue opens`);
    return told.data.opensAt;
  }

  /** What her latest successful entry was told. */
  lastEntry(concert?: string): EntryView {
    const entry = this.#pass(concert).entry;
    if (!entry) throw new Error(`${this} has not entered the queue of ${concert ?? 'the concert'}`);
    return entry;
  }

  token(concert?: string): string {
    const token = this.#pass(concert).token;
    if (!token) throw new Error(`${this} has no queue token for ${concert ?? 'the concert'}: she has not entered its queue`);
    return token;
  }

  /** The token she held before her latest entry (the same one, when she entered again while her place was alive). */
  previousToken(concert?: string): string {
    const token = this.#pass(concert).tokenBefore;
    if (!token) throw new Error(`${this} had no token for ${concert ?? 'the concert'} before her latest entry`);
    return token;
  }

  status(options: Carrying & { through?: number } = {}): Promise<Answer<StatusView>> {
    return call(this.#stage, `${this} checking her place`, queueServers.url(options.through), routes.queue.status(), schemas.status, {
      headers: this.#carrying(options),
    });
  }

  /** Polls her status (bounded) until it is `status`; what she was told then. */
  async waitUntil(status: StatusView['status'], options: { through?: number; timeoutMs?: number } = {}): Promise<StatusView> {
    const seen = await eventually(() => this.status(options), (answer) => answer.succeeded && answer.value.status === status, {
      what: `${this} to be ${status}${options.through ? ` according to queue server ${options.through}` : ''}`,
      timeoutMs: options.timeoutMs ?? 15_000,
      describe: placeIn,
    });
    return seen.value;
  }

  /** Polls her status (bounded) until a queue server tells her she is `place`, in the suite's words ("let in"). */
  async waitUntilToldSheIs(place: string, options: { through?: number; timeoutMs: number }): Promise<void> {
    await eventually(() => this.status({ through: options.through }), (answer) => placeInWords(answer) === place, {
      what: `queue server ${options.through ?? 1} to tell ${this} she is ${place}`,
      timeoutMs: options.timeoutMs,
      describe: placeInWords,
    });
  }

  /**
   * Checks her place every 200 ms for `ms` while it should stay `place` ("WAITING at position 1"):
   * the first other place she is told (or refusal), or undefined when it never changed.
   */
  async placeChangeWithin(place: string, ms: number): Promise<string | undefined> {
    const { value, done: changed } = await poll(() => this.status(), (answer) => placeIn(answer) !== place, {
      what: `${this} to stay ${place}`,
      timeoutMs: ms,
      intervalMs: 200,
    });
    return changed ? placeIn(value) : undefined;
  }

  /**
   * Checks her place every 200 ms (bounded) until it is no longer `status` or is refused: the
   * answer then, and whether it came before the deadline.
   */
  async watchUntilNoLonger(status: StatusView['status'], timeoutMs: number): Promise<{ answer: Answer<StatusView>; left: boolean }> {
    const { value, done } = await poll(() => this.status(), (answer) => !answer.succeeded || answer.value.status !== status, {
      what: `${this} to leave ${status}`,
      timeoutMs,
      intervalMs: 200,
    });
    return { answer: value, left: done };
  }

  /** Checks her place every 250 ms (bounded, 20 s) until her wait estimate is more than `seconds`. */
  async waitUntilEstimateAbove(seconds: number): Promise<void> {
    await eventually(() => this.status(), (answer) => answer.succeeded && (answer.value.estimatedWaitSeconds ?? 0) > seconds, {
      what: `${this}'s estimate to pass ${seconds} s`,
      timeoutMs: 20_000,
      intervalMs: 250,
      describe: (answer) => (answer.succeeded ? `an estimate of ${answer.value.estimatedWaitSeconds} s` : String(answer)),
    });
  }

  waitUntilLetIn(options: { through?: number; timeoutMs?: number } = {}): Promise<StatusView> {
    return this.waitUntil('READY', options);
  }

  /** Polls until her token is refused as expired: her turn lapsed, or her entry ended. */
  async waitUntilPlaceLost(options: { timeoutMs?: number } = {}): Promise<void> {
    await eventually(() => this.status(), (answer) => answer.status === 410, {
      what: `${this}'s place to lapse`,
      timeoutMs: options.timeoutMs ?? 15_000,
      describe: String,
    });
  }

  async startShopping(options: Carrying & { through?: number } = {}) {
    const answer = await call(this.#stage, `${this} starting to shop`, queueServers.url(options.through), routes.queue.activate(), schemas.activation, {
      headers: this.#carrying(options),
    });
    if (answer.succeeded && options.token === undefined) this.#pass(options.concert).turn = { ends: [answer.value.expiresAt] };
    return answer;
  }

  /** Asks for more time: her turn's session deadline moves on by the concert's session length. */
  async extendTurn(options: Carrying & { through?: number } = {}): Promise<Answer<ExtensionView>> {
    const answer = await call(this.#stage, `${this} extending her turn`, queueServers.url(options.through), routes.queue.extend(), schemas.extension, {
      headers: this.#carrying(options),
    });
    const turn = this.#pass(options.concert).turn;
    if (answer.succeeded && options.token === undefined && turn) {
      turn.ends.push(answer.value.expiresAt);
      turn.extensionsLeft = answer.value.extensionsLeft;
    }
    return answer;
  }

  /** What she was told of her shopping turn. */
  turn(concert?: string): Turn {
    const turn = this.#pass(concert).turn;
    if (!turn) throw new Error(`${this} has not started shopping in ${concert ?? 'the concert'}`);
    return turn;
  }

  leave(options: Carrying & { through?: number } = {}) {
    return call(this.#stage, `${this} leaving the queue`, queueServers.url(options.through), routes.queue.leave(), schemas.nothing, {
      headers: this.#carrying(options),
    });
  }

  // ---- Her place, pushed to her -----------------------------------------------------------

  /**
   * Opens a status stream (GET /events) for her place in the concert; `tokenIn: 'address'`
   * sends the token as `token=` in the query, as a browser's EventSource must. A stream that
   * started is kept for `placeStream`; the answer is the stage's latest either way.
   */
  async followPlace(options: { through?: number; tokenIn?: 'header' | 'address' } = {}): Promise<Answer<StreamEvent[]>> {
    const server = options.through ?? 1;
    const inAddress = options.tokenIn === 'address';
    const [method, path] = routes.queue.events(inAddress ? this.token() : undefined);
    const url = `${queueServers.url(server)}${path}`;
    const headers = inAddress ? {} : this.#carrying({});
    const startedAt = Date.now();
    const started = performance.now();
    let events: EventStream | undefined;
    let failure: string | undefined;
    try {
      events = await openEventStream(url, { headers });
    } catch (error) {
      failure = `no answer: ${(error as Error).message}`;
    }
    const exchange: Exchange = {
      method,
      url,
      requestHeaders: headers,
      status: events?.status ?? 0,
      responseHeaders: events?.headers ?? {},
      // A started stream shows what it pushed, as it arrives.
      body: events ? (events.status === 200 ? events.events : events.body) : failure,
      startedAt,
      durationMs: performance.now() - started,
    };
    this.#stage.api.exchanges.push(exchange);
    const answer = new Answer(`${this} following her place live through queue server ${server}`, exchange, schemas.statusEvents);
    this.#stage.latest = answer;
    if (answer.succeeded && events) this.#streams.push(new PlaceStream(events, server));
    return answer;
  }

  /**
   * Waits (15 s), on her latest stream, for the status after WAITING. `timed`: while checking her
   * place by polling every 50 ms on the side: a poll answered WAITING was sent before she was let
   * in, so `pushedAfterMs` (push time − the last such poll's sending) bounds from above how long
   * after being let in the stream told her. Untimed, nothing is polled.
   */
  async toldLiveOnceLetIn({ timed }: { timed: boolean }): Promise<{ told: Told; pushedAfterMs?: number }> {
    const timeoutMs = 15_000;
    const stream = this.placeStream();
    const told = stream.nextBeyond('WAITING', `${this}'s place to change from WAITING`, timeoutMs);
    if (!timed) return { told: await told };
    let waitingAt = performance.now();
    await poll(
      async () => {
        const sent = performance.now();
        const answer = await this.status({ through: stream.server });
        if (answer.succeeded && answer.value.status === 'WAITING') waitingAt = sent;
        return answer;
      },
      (answer) => !answer.succeeded || answer.value.status !== 'WAITING',
      { what: `${this} to be let in`, timeoutMs, intervalMs: 50 },
    );
    const seen = await told;
    return { told: seen, pushedAfterMs: seen.at - waitingAt };
  }

  /** Her latest status stream that is still open (or the latest of all, when `evenEnded`). */
  placeStream(options: { evenEnded?: boolean } = {}): PlaceStream {
    const stream = options.evenEnded ? this.#streams.at(-1) : [...this.#streams].reverse().find((s) => !s.ended);
    if (!stream) throw new Error(`${this} follows no status stream`);
    return stream;
  }

  /** Her app closes a stream: the one on `server`, else her latest open one. */
  stopFollowing(server?: number): void {
    const stream = server === undefined ? this.placeStream() : [...this.#streams].reverse().find((s) => !s.ended && s.server === server);
    if (!stream) throw new Error(`${this} follows no status stream on queue server ${server}`);
    stream.close();
  }

  /** Closes every stream she still has (end of scenario). */
  closeStreams(): void {
    for (const stream of this.#streams) stream.close();
  }

  // ---- The box office --------------------------------------------------------------------

  seats(options: Carrying = {}) {
    return call(this.#stage, `${this} looking at the seats of ${options.concert ?? 'the concert'}`, target.coreUrl, routes.core.seats(this.#stage.concertId(options.concert)), schemas.seats, {
      headers: this.#carrying(options),
    });
  }

  /** Looks at the seats every 200 ms (bounded, 10 s) until she sees `seatId` as `status`. */
  async waitUntilSeatIs(seatId: string, status: string): Promise<void> {
    const seat = (answer: Answer<SeatsView>) => (answer.succeeded ? answer.value.seats.find((s) => s.seatId === seatId)?.status : undefined);
    await eventually(() => this.seats(), (answer) => answer.succeeded && seat(answer) === status, {
      what: `${this} to see seat ${seatId} as ${status}`,
      timeoutMs: 10_000,
      intervalMs: 200,
      describe: (answer) => (answer.succeeded ? `seat ${seatId} ${seat(answer)}` : String(answer)),
    });
  }

  /** A shopper browsing: looks at the seats every half second for `seconds`; the first refused look, else the last. */
  async browseSeats(seconds: number): Promise<Answer<SeatsView>> {
    const until = Date.now() + seconds * 1000;
    const { value } = await poll(async () => ({ look: await this.seats(), at: Date.now() }), ({ look, at }) => !look.succeeded || at >= until, {
      what: `${this} to browse for ${seconds} s`,
      timeoutMs: seconds * 1000 + 5_000,
      intervalMs: 500,
    });
    return value.look;
  }

  /**
   * Busy all the time: looks at the seats every 200 ms until refused, bounded by her turn's end
   * (as she was last told it) and 10 s more. Every look slides her idle deadline, so only the
   * session cap can end it. When she was last served, and the refusal.
   */
  async browseSeatsUntilRefused(): Promise<{ lastServedAt: number; refusal: Answer<unknown> }> {
    let lastServedAt = 0;
    const ends = Date.parse(this.turn().ends.at(-1)!);
    const refusal = await eventually(
      async () => {
        const look = await this.seats();
        if (look.succeeded) lastServedAt = look.exchange.startedAt;
        return look;
      },
      (look) => !look.succeeded,
      { what: `${this}'s turn to run out`, timeoutMs: Math.max(0, ends - Date.now()) + 10_000, intervalMs: 200, describe: String },
    );
    return { lastServedAt, refusal };
  }

  /** Reserves a seat; `extra` adds fields to the request (a client's idea of the price, say). */
  async reserve(seatId: string, options: Carrying & { extra?: Record<string, unknown> } = {}): Promise<Answer<ReservationView>> {
    const answer = await call(this.#stage, `${this} reserving seat ${seatId}`, target.coreUrl, routes.core.reserve(), schemas.reservation, {
      headers: this.#carrying(options),
      body: { ...options.extra, concertId: this.#stage.concertId(options.concert), seatId },
    });
    if (answer.succeeded) this.reservations.push(answer.value);
    return answer;
  }

  /** A reservation request the box office cannot understand: any body, or `{ text }` sent as is. */
  sendReservationRequest(request: unknown) {
    return call(this.#stage, `${this} sending a malformed reservation request`, target.coreUrl, routes.core.reserve(), schemas.reservation, {
      headers: this.#carrying({}),
      ...asSent(request),
    });
  }

  lookUpReservation(reservationId = this.heldReservation().reservationId, options: Carrying = {}) {
    return call(this.#stage, `${this} looking up reservation ${reservationId}`, target.coreUrl, routes.core.reservation(reservationId), schemas.reservation, {
      headers: this.#carrying(options),
    });
  }

  /**
   * Pays for her reservation (or the one given). A fresh Idempotency-Key unless `key` names one;
   * `key: null` sends none.
   */
  async pay(
    options: Carrying & { key?: string | null; reservationId?: string; extra?: Record<string, unknown>; timeoutMs?: number } = {},
  ): Promise<Answer<PaymentView>> {
    const key = options.key === undefined ? randomUUID() : options.key;
    const reservationId = options.reservationId ?? this.heldReservation().reservationId;
    const answer = await call(this.#stage, `${this} paying for reservation ${reservationId}`, target.coreUrl, routes.core.pay(), schemas.payment, {
      headers: { ...this.#carrying(options), ...(key === null ? {} : { 'idempotency-key': key }) },
      body: { ...options.extra, reservationId },
      timeoutMs: options.timeoutMs,
    });
    this.#stage.payments.push({ payer: this.name, answer });
    return answer;
  }

  /** The answer to her latest payment attempt. */
  latestPayment(): Answer<PaymentView> {
    const paid = this.#stage.payments.filter(({ payer }) => payer === this.name).at(-1)?.answer;
    if (!paid) throw new Error(`${this} has not paid`);
    return paid;
  }

  /** Her latest reservation. */
  heldReservation(): ReservationView {
    const latest = this.reservations.at(-1);
    if (!latest) throw new Error(`${this} has not reserved anything`);
    return latest;
  }

  /**
   * Every call that takes a queue token, carrying `token` (`null`: none): checking her place,
   * starting to shop, extending her turn and leaving on every queue server, then every
   * box-office call. For scenarios about tokens that must be refused everywhere.
   */
  async tryEveryCallWith(token: string | null): Promise<Answer<unknown>[]> {
    const answers: Answer<unknown>[] = [];
    for (const through of queueServers.all()) {
      answers.push(await this.status({ token, through }), await this.startShopping({ token, through }), await this.extendTurn({ token, through }), await this.leave({ token, through }));
    }
    return [...answers, ...(await this.tryEveryBoxOfficeCallWith(token))];
  }

  /** Looking at the seats, reserving A1, looking up and paying for a reservation, carrying `token`. */
  async tryEveryBoxOfficeCallWith(token: string | null): Promise<Answer<unknown>[]> {
    return [
      await this.seats({ token }),
      await this.reserve('A1', { token }),
      await this.lookUpReservation(NOBODYS_RESERVATION, { token }),
      await this.pay({ token, reservationId: NOBODYS_RESERVATION }),
    ];
  }

  /** An entry or reservation request sent with a method its path does not take, or padded past the body limit. */
  sendUnusual(request: 'entry' | 'reservation', how: { method?: 'PUT'; padBytes?: number }) {
    const [route, base, body] =
      request === 'entry'
        ? [routes.queue.enter(), queueServers.url(), { concertId: this.#stage.concertId(), userId: this.userId }]
        : [routes.core.reserve(), target.coreUrl, { concertId: this.#stage.concertId(), seatId: 'A1' }];
    const [method, path] = route;
    const padding = how.padBytes ? { padding: 'x'.repeat(how.padBytes) } : {};
    return call(this.#stage, `${this} sending an unusual ${request} request`, base, [how.method ?? method, path], schemas.nothing, {
      headers: request === 'reservation' ? this.#carrying({}) : {},
      body: { ...body, ...padding },
    });
  }

  // ---- Whole journeys, for setting the stage -----------------------------------------------

  /** Enters, waits until let in, starts shopping: the path every buyer takes. */
  async startShoppingFromTheQueue(options: { concert?: string } = {}): Promise<void> {
    const entered = await this.enter(options);
    if (!entered.succeeded) throw new Error(`${this} could not enter the queue: ${entered}`);
    if (entered.value.status === 'WAITING') await this.#waitForTurn(options.concert);
    const started = await this.startShopping(options);
    if (!started.succeeded) throw new Error(`${this} was let in but could not start shopping: ${started}`);
  }

  /** Reserves the seat and pays for it; both must succeed. */
  async buy(seatId: string): Promise<PaymentView> {
    const held = await this.reserve(seatId);
    if (!held.succeeded) throw new Error(`${this} could not reserve seat ${seatId}: ${held}`);
    const paid = await this.pay();
    if (!paid.succeeded) throw new Error(`${this} could not pay for seat ${seatId}: ${paid}`);
    return paid.value;
  }

  async #waitForTurn(concert?: string): Promise<void> {
    await eventually(() => this.status({ concert }), (answer) => answer.succeeded && answer.value.status !== 'WAITING', {
      what: `${this} to be let in`,
      timeoutMs: 15_000,
      describe: placeIn,
    });
  }

  #pass(concert = 'the concert'): Pass {
    const concertId = this.#stage.concertId(concert);
    let pass = this.#passes.get(concertId);
    if (!pass) {
      pass = {};
      this.#passes.set(concertId, pass);
    }
    return pass;
  }

  #carrying({ token, concert }: Carrying): Record<string, string> {
    if (token === null) return {};
    return { [QUEUE_TOKEN]: token ?? this.token(concert) };
  }
}
