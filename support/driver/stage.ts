import type { z } from 'zod';
import type { ApiClient, SendOptions } from '../http/api-client.ts';
import { target } from '../target.ts';
import { Answer } from './answer.ts';
import type { ContractRules } from './contract-rules.ts';
import type { RoomModel } from './room-model.ts';
import type { Route } from './routes.ts';
import type { PaymentView } from './schemas.ts';

/**
 * What every actor of a scenario shares: the HTTP client whose exchanges the report shows, the
 * contract's universal rules every answer is held to, the scenario's concerts, and its latest
 * answer (which `Then the request is refused …` reads). The World is the stage (support/world.ts).
 */
export interface Stage {
  readonly api: ApiClient;
  readonly rules: ContractRules;
  /** Each concert's waiting room as the scenario's answers made it, for the operator's statistics to agree with. */
  readonly rooms: RoomModel;
  /** The id of a concert as the scenario names it ("the concert", "Concert B"). */
  concertId(name?: string): string;
  latest?: Answer<unknown>;
  /** Every payment attempt of the scenario, oldest first, with who made it. */
  readonly payments: { payer: string; answer: Answer<PaymentView> }[];
  /**
   * How many shards every concert's waiting room is spread over as soon as it is put on sale
   * (the `sharded` profile's world parameter `roomShards`); undefined: as the system opens it.
   */
  readonly roomShards?: number;
}

/**
 * Sends one request on the stage, counts it in the room model (room-model.ts), checks the
 * answer's shape and the contract's universal rules (contract-rules.ts), and keeps it as the
 * latest (unless `asLatest: false`: a look at the books is not what a scenario's refusal step is
 * about).
 */
export async function call<T>(
  stage: Stage,
  what: string,
  baseUrl: string,
  [method, path]: Route,
  schema: z.ZodType<T>,
  options: SendOptions & { asLatest?: boolean } = {},
): Promise<Answer<T>> {
  const url = `${baseUrl}${path}`;
  const sent = { method, url, headers: options.headers ?? {}, body: options.body ?? options.rawBody, at: performance.now() };
  const ticket = stage.rules.sending(sent);
  const exchange = await stage.api.send(method, url, options);
  const answeredAt = performance.now();
  stage.rooms.saw(sent, exchange);
  const answer = new Answer(what, exchange, schema);
  if (options.asLatest !== false) stage.latest = answer;
  stage.rules.answered(ticket, what, exchange, answeredAt);
  return answer;
}

/**
 * The target's queue servers, numbered from 1. Asking for one the target does not have fails
 * at once: a scenario about queue server 2 must never quietly run against server 1.
 */
export const queueServers = {
  get count(): number {
    return target.queueUrls.length;
  },
  url(server = 1): string {
    const url = target.queueUrls[server - 1];
    if (!url) {
      throw new Error(
        `the scenario asks for queue server ${server}, but the target has ${queueServers.count} (E2E_QUEUE_URLS); ` +
          'tag scenarios that need several with @several-queue-servers so they skip where there is only one',
      );
    }
    return url;
  },
  urls(): string[] {
    return [...target.queueUrls];
  },
  /** 1, 2, … up to the number the target has: "every queue server". */
  all(): number[] {
    return target.queueUrls.map((_, i) => i + 1);
  },
};

/**
 * A request body for calls the contract refuses: anything is sent as JSON, except
 * `{ text: "..." }`, which is sent as it is (text that is not JSON, say).
 */
export function asSent(request: unknown): Pick<SendOptions, 'body' | 'rawBody'> {
  if (typeof request === 'object' && request !== null && 'text' in request && typeof request.text === 'string') return { rawBody: request.text };
  return { body: request };
}
