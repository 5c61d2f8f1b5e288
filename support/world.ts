import { World, setWorldConstructor, setDefaultTimeout, type IWorldOptions } from '@cucumber/cucumber';
import { randomBytes } from 'node:crypto';
import { ApiClient, type Exchange } from './http/api-client.ts';
import { target } from './target.ts';

export type Fan = { name: string; userId: string; token?: string; lastEntry?: Exchange };

setDefaultTimeout(60_000);

/**
 * Per-scenario state: the fans in play, the concert they are after, the last answer. Every
 * scenario gets its own concert ids, so scenarios run in parallel without sharing queues.
 */
export class TicketWorld extends World {
  readonly api = new ApiClient();
  readonly runId = randomBytes(4).toString('hex');
  readonly fans = new Map<string, Fan>();
  readonly concerts = new Map<string, string>();
  last?: Exchange;

  constructor(options: IWorldOptions) {
    super(options);
  }

  /** Concert id for a name used in the scenario ("the concert", "Concert B"). */
  concertId(name = 'the concert'): string {
    let id = this.concerts.get(name);
    if (!id) {
      id = `c-${this.runId}-${this.concerts.size + 1}`;
      this.concerts.set(name, id);
    }
    return id;
  }

  fan(name: string): Fan {
    let fan = this.fans.get(name);
    if (!fan) {
      fan = { name, userId: `${name.toLowerCase().replace(/[^a-z0-9]/g, '-')}-${this.runId}` };
      this.fans.set(name, fan);
    }
    return fan;
  }

  /** Queue instance n (1-based); scenarios that do not care use the first. */
  queueUrl(instance = 1): string {
    return target.queueUrls[(instance - 1) % target.queueUrls.length];
  }

  async remember(exchange: Promise<Exchange>): Promise<Exchange> {
    this.last = await exchange;
    return this.last;
  }
}

setWorldConstructor(TicketWorld);
