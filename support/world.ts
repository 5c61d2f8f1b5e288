import { World, setWorldConstructor, setDefaultTimeout, type IWorldOptions } from '@cucumber/cucumber';
import { randomBytes } from 'node:crypto';
import type { Answer } from './driver/answer.ts';
import { expectThat } from './expect.ts';
import { Fan } from './driver/fan.ts';
import { Infrastructure } from './driver/infrastructure.ts';
import { Operator } from './driver/operator.ts';
import { PaymentProvider } from './driver/payment-provider.ts';
import type { PaymentView, QueueStats, SlotOwner } from './driver/schemas.ts';
import type { Stage } from './driver/stage.ts';
import { ApiClient } from './http/api-client.ts';
import { ContractRules } from './driver/contract-rules.ts';
import { RoomModel } from './driver/room-model.ts';
import type { QueueTraffic } from './chaos/queue-traffic.ts';

setDefaultTimeout(60_000);

/** A run of one fan's attempts of one kind on one server (rate limits), and how to make one more. */
export type Attempts = { kind: string; answers: Answer<unknown>[]; again: () => Promise<Answer<unknown>> };

/** What a fault scenario carries from one step to the next. */
export type FaultState = {
  traffic?: QueueTraffic;
  /** The Redis master a step killed; `key`: a key of the shard it held, when it held one of a sharded room. */
  killedMaster?: SlotOwner & { at: number; key?: string };
  takeoverAt?: number;
  /** The queue server a step crashed or cut off from Redis. */
  crashedServer?: number;
  /** Every answer buyers got while the database restarted, by call. */
  bookingAnswers?: { call: string; status: number; code?: string; durationMs: number }[];
  coreStartedAt?: number;
  /** The core service's link to PostgreSQL was made lossy (slow answers, not necessarily refusals). */
  lossyLink?: boolean;
  /** A promoter that died halfway through an admission batch of a sharded room: whom it took off one shard, when. */
  stalledBatch?: { planned: number; takenOffOneShard: string[]; leaseMs: number; at: number };
};

/**
 * One scenario's state, typed: the actors (fans by name, the operator, the payment provider,
 * the infrastructure), the scenario's concerts, the latest answer, and what later steps compare
 * with. Every scenario gets its own concert ids, so scenarios run in parallel without sharing
 * a waiting room. The World is the stage the actors play on (support/driver/stage.ts).
 */
export class TicketWorld extends World implements Stage {
  readonly api = new ApiClient();
  readonly rules = new ContractRules();
  readonly rooms = new RoomModel();
  readonly runId = randomBytes(4).toString('hex');
  /** The profile's world parameter `roomShards` (cucumber.js, `sharded`): every concert's room spread over that many shards. */
  readonly roomShards = roomShardsOf(this.parameters);
  latest?: Answer<unknown>;
  readonly payments: { payer: string; answer: Answer<PaymentView> }[] = [];

  readonly operator = new Operator(this);
  readonly provider = new PaymentProvider(this);
  readonly infrastructure = new Infrastructure(this);
  /** Fans a step brings in by number ("50 fans have started shopping"), in the order they came. */
  crowd: Fan[] = [];
  /** The answers of fans acting at the same instant, in crowd order. */
  crowdAnswers: Answer<unknown>[] = [];
  /** A fan's latest run of attempts of one kind on one server, in order (rate limits): see attemptsOf. */
  attempts?: Attempts;
  /** A payment sent and not yet answered, for a step that looks around meanwhile. */
  paymentUnderway?: Promise<Answer<PaymentView>>;
  /** The waiting room as it was before a refused request, to show the request changed nothing. */
  roomBefore?: QueueStats;
  /** The token someone presented (`null`: none), for the steps that check where it is refused. */
  presentedToken?: string | null;
  /** A shopper who kept browsing until refused: when she was last served, and the refusal. */
  browsing?: { lastServedAt: number; refusal: Answer<unknown> };
  /** A scheduled sale of the scenario: when its pre-queue opens and it starts (ms), the draw commitment seen before. */
  sale: { opensAt?: number; startsAt?: number; commitment?: string } = {};
  /** How long seats are held in this scenario, when a step set it. */
  holdSeconds?: number;
  fault: FaultState = {};
  /** For the report: how many exchanges there were when the current step began. */
  exchangesBeforeStep = 0;
  failureAttached = false;

  readonly #fans = new Map<string, Fan>();
  readonly #concerts = new Map<string, string>();

  constructor(options: IWorldOptions) {
    super(options);
  }

  /** The id of a concert as the scenario names it; "the concert" unless named. */
  concertId(name = 'the concert'): string {
    let id = this.#concerts.get(name);
    if (!id) {
      id = `c-${this.runId}-${this.#concerts.size + 1}`;
      this.#concerts.set(name, id);
    }
    return id;
  }

  /** Every concert the scenario named, by the name it used. */
  concertNames(): string[] {
    return [...this.#concerts.keys()];
  }

  /** The fan of that name, the same actor every time the scenario names her. */
  fan(name: string): Fan {
    let fan = this.#fans.get(name);
    if (!fan) {
      fan = new Fan(this, name, this.runId);
      this.#fans.set(name, fan);
    }
    return fan;
  }

  /** Every fan the scenario brought in so far. */
  fans(): Fan[] {
    return [...this.#fans.values()];
  }

  /** Brings `count` more fans into the crowd and returns them. */
  joinCrowd(count: number, label = 'Fan'): Fan[] {
    const newcomers = Array.from({ length: count }, (_, i) => this.fan(`${label}${this.crowd.length + i + 1}`));
    this.crowd.push(...newcomers);
    return newcomers;
  }

  /**
   * The attempts of `kind` ("Ann enter the queue through 1"), kept in order: the run goes on while
   * the same kind is tried, and starts afresh with another. `attempt` makes one more.
   */
  attemptsOf(kind: string, attempt: () => Promise<Answer<unknown>>): Attempts {
    if (this.attempts?.kind !== kind) {
      const answers: Answer<unknown>[] = [];
      this.attempts = { kind, answers, again: async () => {
        const answer = await attempt();
        answers.push(answer);
        return answer;
      } };
    }
    return this.attempts;
  }

  /** The latest answer, which must be to `doing` ("resuming admission"): for a Then about the call just made. */
  latestTo(doing: string): Answer<unknown> {
    const answer = this.latest;
    expectThat(answer?.what.includes(doing) === true, `the request just before this step was not ${doing}, but ${answer?.what ?? 'none at all'}`);
    return answer;
  }

  /** Someone posing as an operator with the given authorization header (or none). */
  someoneWith(credentials: string, authorization: string | undefined): Operator {
    return new Operator(this, `someone with ${credentials}`, () => authorization);
  }
}

function roomShardsOf(parameters: unknown): number | undefined {
  const shards = (parameters as { roomShards?: unknown } | undefined)?.roomShards;
  if (shards === undefined) return undefined;
  if (!Number.isInteger(shards) || (shards as number) < 1 || (shards as number) > 16) throw new Error(`world parameter roomShards must be 1-16, got ${JSON.stringify(shards)}`);
  return shards as number;
}

setWorldConstructor(TicketWorld);
