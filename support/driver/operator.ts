import { parsePrometheus, sampleValue } from '../prometheus.ts';
import { randomBytes } from 'node:crypto';
import { eventually, poll } from '../polling.ts';
import { target } from '../target.ts';
import { routes } from './routes.ts';
import { schemas, type Policy, type QueueStats } from './schemas.ts';
import { asSent, call, queueServers, type Stage } from './stage.ts';

/** The Authorization header of credentials someone may present, by the words scenarios use. */
const credentials = new Map<string, () => string | undefined>([
  ["the operators' key", () => `Bearer ${target.adminToken}`],
  ['no credentials', () => undefined],
  ['a wrong key', () => `Bearer ${randomBytes(24).toString('base64url')}`],
  ['the key with a suffix', () => `Bearer ${target.adminToken}x`],
  ['a non-Bearer scheme', () => `Basic ${target.adminToken}`],
]);

export function authorizationFor(presented: string): string | undefined {
  const header = credentials.get(presented);
  if (!header) throw new Error(`no credentials called "${presented}"; known: ${[...credentials.keys()].join(', ')}`);
  return header();
}

export type ConcertDetails = { name?: string; seatCount: number; price: number };

/** The statistics named in `figures` ({ ready: 2, waiting: 3 }), as `stats` show them. */
export const figuresOf = (stats: QueueStats, figures: Record<string, number>) => Object.fromEntries(Object.keys(figures).map((name) => [name, stats[name as keyof QueueStats]]));

/** Monitoring figures an operator reads, and the series each comes from (for the concert). */
const FIGURE_SERIES: Record<string, [string, Record<string, string>]> = {
  entries: ['queue_entries_total', {}],
  admissions: ['queue_admissions_total', {}],
  'exits because left': ['queue_exits_total', { reason: 'exited' }],
  'exits because expired': ['queue_exits_total', { reason: 'expired' }],
  'exits because booked': ['queue_exits_total', { reason: 'completed' }],
  'fans waiting': ['queue_users', { state: 'waiting' }],
  'fans let in': ['queue_users', { state: 'ready' }],
  'fans active': ['queue_users', { state: 'active' }],
  'fans in the pre-queue': ['queue_users', { state: 'pre_queue' }],
  'pre-queue entries': ['queue_pre_queue_entries_total', {}],
  'turns extended': ['queue_extensions_total', {}],
  'waits to be let in recorded': ['queue_enter_to_ready_seconds_count', {}],
};

/**
 * The core service's figures an operator watches, by the names operators use: the series and
 * the labels a sample must have, summed over its other labels. They count every concert.
 */
const CORE_FIGURE_SERIES: Record<string, [string, Record<string, string>]> = {
  'payments completed': ['core_payments_total', { outcome: 'completed' }],
  'payments declined': ['core_payments_total', { outcome: 'declined' }],
  'payments rolled back because declined': ['core_payment_rollbacks_total', { reason: 'declined' }],
  'charges asked of the payment provider': ['core_payment_gateway_duration_seconds_count', { operation: 'charge' }],
};

/**
 * The operator (or someone posing as one): puts concerts on sale, sets a waiting room's policy,
 * pauses and resumes admission, reads its statistics and every server's health and metrics.
 */
export class Operator {
  readonly #stage: Stage;
  readonly #who: string;
  /** The Authorization header, worked out when a call is made (the target is known only then). */
  readonly #authorization: () => string | undefined;
  readonly #concert: string;

  constructor(stage: Stage, who = 'the operator', authorization = () => authorizationFor("the operators' key"), concert = 'the concert') {
    this.#stage = stage;
    this.#who = who;
    this.#authorization = authorization;
    this.#concert = concert;
  }

  /** The same person, acting on another concert by default. */
  forConcert(concert: string): Operator {
    return new Operator(this.#stage, this.#who, this.#authorization, concert);
  }

  toString(): string {
    return this.#who;
  }

  /**
   * Puts a concert on sale; under a profile that spreads every room over shards
   * (Stage.roomShards), its waiting room is then spread at once, before any fan can enter.
   */
  async putOnSale(concert: ConcertDetails & { concert?: string }) {
    const { name = 'Midnight Rush Tour', seatCount, price } = concert;
    const answer = await this.putOnSaleAsIs({ concertId: this.#concertId(concert.concert), name, seatCount, price });
    const shards = this.#stage.roomShards;
    if (answer.succeeded && shards !== undefined && shards > 1) {
      const spread = await call(this.#stage, `${this} spreading the waiting room over ${shards} shards`, queueServers.url(), routes.admin.queuePolicy(this.#concertId(concert.concert)), schemas.policy, {
        headers: this.#headers(),
        body: { shards },
        asLatest: false,
      });
      if (!spread.succeeded || spread.value.shards !== shards) throw new Error(`the profile spreads every waiting room over ${shards} shards, but ${spread.what} answered ${spread}`);
    }
    return answer;
  }

  /** Any body, for requests the contract refuses. */
  putOnSaleAsIs(body: unknown) {
    return call(this.#stage, `${this} putting a concert on sale`, target.coreUrl, routes.admin.createConcert(), schemas.concert, {
      headers: this.#headers(),
      body,
    });
  }

  /** Changes the policy; `changes` may be anything (see asSent), for requests the contract refuses. */
  setPolicy(changes: Partial<Policy> | unknown, options: { through?: number; concert?: string } = {}) {
    return call(this.#stage, `${this} changing the queue policy`, queueServers.url(options.through), routes.admin.queuePolicy(this.#concertId(options.concert)), schemas.policy, {
      headers: this.#headers(),
      ...asSent(changes),
    });
  }

  pause(options: { through?: number; concert?: string } = {}) {
    return call(this.#stage, `${this} pausing admission`, queueServers.url(options.through), routes.admin.pause(this.#concertId(options.concert)), schemas.nothing, {
      headers: this.#headers(),
    });
  }

  resume(options: { through?: number; concert?: string } = {}) {
    return call(this.#stage, `${this} resuming admission`, queueServers.url(options.through), routes.admin.resume(this.#concertId(options.concert)), schemas.nothing, {
      headers: this.#headers(),
    });
  }

  stats(options: { through?: number; concert?: string } = {}) {
    return call(this.#stage, `${this} reading the queue statistics`, queueServers.url(options.through), routes.admin.queueStats(this.#concertId(options.concert)), schemas.stats, {
      headers: this.#headers(),
    });
  }

  health(server: number, probe: 'live' | 'ready') {
    return call(this.#stage, `${this} asking queue server ${server} whether it is ${probe}`, queueServers.url(server), routes.operations.health(probe), schemas.health);
  }

  metrics(server: number) {
    return call(this.#stage, `${this} reading queue server ${server}'s metrics`, queueServers.url(server), routes.operations.metrics(), schemas.metrics);
  }

  /**
   * The concert's monitoring figures on queue server `server`, by the names operators use ("fans
   * waiting"), from one reading of its metrics; a figure the metrics lack is undefined.
   */
  async monitoringFigures(server: number, figures: readonly string[]): Promise<Record<string, number | undefined>> {
    const unknown = figures.filter((figure) => !(figure in FIGURE_SERIES));
    if (unknown.length > 0) throw new Error(`no monitoring figure called ${unknown.join(', ')}; known: ${Object.keys(FIGURE_SERIES).join(', ')}`);
    const samples = parsePrometheus((await this.metrics(server)).value);
    const concert = this.#concertId();
    return Object.fromEntries(figures.map((figure) => [figure, sampleValue(samples, FIGURE_SERIES[figure][0], { ...FIGURE_SERIES[figure][1], concert })]));
  }

  /** Reads the statistics (bounded, 15 s unless told) until they show `figures`; statistics never expire anything themselves. */
  async waitUntilStatsShow(figures: Record<string, number>, timeoutMs = 15_000): Promise<void> {
    await eventually(async () => (await this.stats()).value, (stats) => Object.entries(figures).every(([name, n]) => stats[name as keyof QueueStats] === n), {
      what: `the queue statistics to show ${JSON.stringify(figures)}`,
      timeoutMs,
      describe: (stats) => JSON.stringify(figuresOf(stats, figures)),
    });
  }

  /**
   * Reads the statistics (bounded, 10 s) until `disagreements` finds none; through any queue server
   * that answers (after a fault one may be down). Fails with the last disagreements.
   */
  async untilStatsAgree(disagreements: (stats: QueueStats) => string[]): Promise<void> {
    const read = async () => {
      let answer = await this.stats();
      for (const through of queueServers.all().slice(1)) if (!answer.succeeded) answer = await this.stats({ through });
      return answer.succeeded ? disagreements(answer.value) : [`the statistics were refused: ${answer}`];
    };
    await eventually(read, (wrong) => wrong.length === 0, {
      what: `the statistics of ${this.#concert} to agree with what its fans did`,
      timeoutMs: 10_000,
      intervalMs: 250,
      describe: (wrong) => wrong.join('; '),
    });
  }

  /**
   * How the room's waiting fans spread over its shards, from one reading of the statistics: the
   * shards, the fans waiting, how many shards have none, and whether the shards' counts add up.
   */
  async shardSpread(): Promise<{ waiting: number; shards: number; counted: number; emptyShards: number; addUp: boolean }> {
    const { waiting, shards, shardWaiting } = (await this.stats()).value;
    return { waiting, shards, counted: shardWaiting.length, emptyShards: shardWaiting.filter((n) => n === 0).length, addUp: shardWaiting.reduce((a, b) => a + b, 0) === waiting };
  }

  /** READY plus ACTIVE fans now: how many are let in at once. */
  async letInAtOnce(): Promise<number> {
    const { ready, active } = (await this.stats()).value;
    return ready + active;
  }

  /** Reads the statistics every 100 ms (bounded) until they publish the draw's seed: the sale started, by the room's own clock. */
  async waitUntilSaleStarts(timeoutMs: number): Promise<void> {
    await eventually(() => this.stats(), (answer) => answer.succeeded && answer.value.drawSeed !== null, {
      what: 'the sale to start',
      timeoutMs,
      intervalMs: 100,
      describe: (answer) => (answer.succeeded ? `${answer.value.preQueued} in the pre-queue, no seed published` : String(answer)),
    });
  }

  /**
   * The promoter interval the target's queue servers publish (queue_promoter_interval_seconds),
   * the shortest of them, in ms: the contract's bound on expiry with nobody calling. Undefined
   * when a server does not publish it.
   */
  async promoterIntervalMs(): Promise<number | undefined> {
    const intervals: (number | undefined)[] = [];
    for (const server of queueServers.all()) intervals.push(sampleValue(parsePrometheus((await this.metrics(server)).value), 'queue_promoter_interval_seconds'));
    return intervals.some((s) => s === undefined) ? undefined : Math.min(...(intervals as number[])) * 1000;
  }

  /**
   * Reads the statistics every 100 ms (bounded, 15 s) until the measured admission rate is within
   * a quarter of `perSecond`: every measurement seen, and whether it settled.
   */
  async watchMeasuredRate(perSecond: number): Promise<{ seen: number[]; settled: boolean }> {
    const seen: number[] = [];
    const { done } = await poll(
      async () => {
        const measured = (await this.stats()).value.measuredAdmitPerSecond;
        if (measured !== null) seen.push(measured);
        return measured;
      },
      (measured) => measured !== null && Math.abs(measured - perSecond) <= perSecond / 4,
      { what: `the measured admission rate to settle at ${perSecond} a second`, timeoutMs: 15_000, intervalMs: 100 },
    );
    return { seen, settled: done };
  }

  /** How many status streams queue server `server` may serve and serves now, from its metrics. */
  async streamCapacity(server: number): Promise<{ limit: number; open: number }> {
    const samples = parsePrometheus((await this.metrics(server)).value);
    const limit = sampleValue(samples, 'queue_streams_limit');
    if (limit === undefined) throw new Error(`queue server ${server}'s metrics show no queue_streams_limit`);
    return { limit, open: sampleValue(samples, 'queue_streams_open') ?? 0 };
  }

  /** The core service's monitoring figures (CORE_FIGURE_SERIES), from one reading of its metrics; absent counts 0. */
  async coreFigures(): Promise<Record<string, number>> {
    const answer = await call(this.#stage, `${this} reading the core service's metrics`, target.coreUrl, routes.operations.metrics(), schemas.metrics);
    const samples = parsePrometheus(answer.value);
    return Object.fromEntries(
      Object.entries(CORE_FIGURE_SERIES).map(([figure, [name, labels]]) => [
        figure,
        samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0),
      ]),
    );
  }

  /** Notes the core's figures now, for coreFiguresRise. */
  async noteCoreFigures(): Promise<void> {
    this.#coreNoted = await this.coreFigures();
  }

  /** How much each of `figures` rose since noteCoreFigures. */
  async coreFiguresRise(figures: readonly string[]): Promise<Record<string, number>> {
    const noted = this.#coreNoted;
    if (!noted) throw new Error("the core service's monitoring figures were not noted first");
    const unknown = figures.filter((figure) => !(figure in CORE_FIGURE_SERIES));
    if (unknown.length > 0) throw new Error(`no core figure called ${unknown.join(', ')}; known: ${Object.keys(CORE_FIGURE_SERIES).join(', ')}`);
    const now = await this.coreFigures();
    return Object.fromEntries(figures.map((figure) => [figure, now[figure] - noted[figure]]));
  }

  #coreNoted?: Record<string, number>;

  #concertId(concert = this.#concert): string {
    return this.#stage.concertId(concert);
  }

  #headers(): Record<string, string> {
    const authorization = this.#authorization();
    return authorization === undefined ? {} : { authorization };
  }
}
