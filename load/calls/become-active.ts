import type { LoadHttp } from '../engine/http.ts';
import { sleep } from '../scenario.ts';
import { instanceFor, queueCalls, type EntryReply, type StatusReply } from './queue-calls.ts';

/**
 * Set-up of one buyer: enter, poll every 250 ms until admitted, activate. The token, or
 * undefined if any of it failed. Steps carry `suffix` (a second system's, e.g. " (B)").
 */
export async function becomeActive(http: LoadHttp, queueUrls: string[], concertId: string, userId: string, i: number, suffix = ''): Promise<string | undefined> {
  const queue = queueCalls(http, suffix);
  const origin = instanceFor(queueUrls, i);
  const entered = await queue.enter(origin, concertId, userId);
  if (entered.status !== 201) return undefined;
  const { token } = entered.body as EntryReply;
  for (let poll = 0; poll < 120; poll++) {
    await sleep(250);
    const r = await queue.status(origin, token);
    const state = (r.body as StatusReply | undefined)?.status;
    if (state === 'ACTIVE') return token;
    if (state === 'READY') return (await queue.activate(origin, token)).status === 200 ? token : undefined;
    if (r.status === 410) return undefined;
  }
  return undefined;
}

/** `count` buyers of a concert made ACTIVE at once; the tokens of those who made it. */
export async function activeBuyers(http: LoadHttp, queueUrls: string[], concertId: string, userPrefix: string, count: number, suffix = ''): Promise<string[]> {
  const tokens = await Promise.all(Array.from({ length: count }, (_, i) => becomeActive(http, queueUrls, concertId, `${userPrefix}-u${i}`, i, suffix)));
  return tokens.filter((t): t is string => t !== undefined);
}
