import { ApiError, notFound } from '../shared/errors.ts';
import { newEntryId } from './entry-id.ts';
import { tokenExpired } from '../shared/queue-access.ts';
import type { TokenClaims, TokenCodec } from '../shared/queue-token.ts';
import type { QueueScripts, ScriptValue } from '../shared/queue-scripts.ts';
import type { Draws } from './draw.ts';
import { preQueuePollAfterMs, waitAdvice } from './wait-estimate.ts';

export type EntryState = 'PRE_QUEUE' | 'WAITING' | 'READY' | 'ACTIVE';

export type EntryView = {
  status: EntryState;
  position: number | null;
  totalWaiting: number;
  /** null in the pre-queue: nobody's place is known before the sale starts. */
  estimatedWaitSeconds: number | null;
  expiresAt: string | null;
  pollAfterMs: number;
  /** Only in the pre-queue: when the sale starts. */
  saleStartsAt?: string;
};

/**
 * The waiting room's operations, one Lua script (one round trip) each; HTTP concerns stay in
 * queue-routes.ts. Tokens are signed and verified here, locally.
 */
export function createQueueService(deps: { scripts: QueueScripts; tokens: TokenCodec; draws: Draws }) {
  const { scripts, tokens, draws } = deps;

  return {
    async enter(concertId: string, userId: string): Promise<{ created: boolean; token: string } & EntryView> {
      // The entry id is used only if this is a new entry; the draw score only in a pre-queue.
      const entryId = newEntryId();
      let reply = await scripts.run('enter', concertId, userId, entryId, draws.knownScore(concertId, userId));
      // First pre-queue entry this instance sees for the concert: it learns the seed once.
      if (reply[0] === 'NEED_DRAW') reply = await scripts.run('enter', concertId, userId, entryId, await draws.score(concertId, userId));
      if (reply[0] === 'NO_CONCERT') throw notFound('CONCERT_NOT_FOUND', `concert ${concertId} does not exist`);
      if (reply[0] === 'NOT_OPEN') {
        const opensAt = new Date(Number(reply[1])).toISOString();
        throw new ApiError(409, 'QUEUE_NOT_OPEN', `the queue of concert ${concertId} opens at ${opensAt}`, {}, { opensAt });
      }
      const [outcome, ...entry] = reply;
      return {
        created: outcome === 'NEW',
        token: tokens.sign({ concertId, userId, entryId: String(entry[1]) }),
        ...view(entry[0], entry[2], entry[3], entry[4], entry[5], entry[6]),
      };
    },

    async status(claims: TokenClaims): Promise<EntryView> {
      const reply = await scripts.run('status', claims.concertId, claims.entryId, claims.userId);
      if (reply[0] === 'GONE') throw tokenExpired();
      return view(...(reply as Parameters<typeof view>));
    },

    async activate(claims: TokenClaims): Promise<{ status: 'ACTIVE'; expiresAt: string }> {
      const [outcome, deadline] = await scripts.run('activate', claims.concertId, claims.entryId, claims.userId);
      if (outcome === 'GONE') throw tokenExpired();
      if (outcome === 'NOT_READY') throw new ApiError(409, 'NOT_READY', 'still waiting: activate once the status is READY');
      return { status: 'ACTIVE', expiresAt: new Date(Number(deadline)).toISOString() };
    },

    async extend(claims: TokenClaims): Promise<{ status: 'ACTIVE'; expiresAt: string; extensionsLeft: number }> {
      const [outcome, deadline, left] = await scripts.run('extend', claims.concertId, claims.entryId, claims.userId);
      if (outcome === 'GONE') throw tokenExpired();
      if (outcome === 'NOT_ACTIVE') throw new ApiError(409, 'NOT_ACTIVE', 'only a shopper (ACTIVE) can extend her turn');
      if (outcome === 'EXTENSION_LIMIT') throw new ApiError(409, 'EXTENSION_LIMIT', 'this turn was already extended as often as the concert allows');
      return { status: 'ACTIVE', expiresAt: new Date(Number(deadline)).toISOString(), extensionsLeft: Math.max(0, Number(left)) };
    },

    async exit(claims: TokenClaims): Promise<void> {
      const [outcome] = await scripts.run('finish', claims.concertId, claims.entryId, claims.userId, 'exited');
      if (outcome === 'GONE') throw tokenExpired();
    },
  };
}

export type QueueService = ReturnType<typeof createQueueService>;

/** An entry as the scripts describe it: state, position, totalWaiting, deadline, estimate basis, sale start. */
function view(state: ScriptValue, position: ScriptValue, totalWaiting: ScriptValue, deadline: ScriptValue, basis: ScriptValue, saleStartsAt?: ScriptValue): EntryView {
  const [measuredRate, admitPerSecond, readyTtlSeconds] = (basis ?? []) as ScriptValue[];
  if (state === 'PRE_QUEUE') {
    const starts = Number(saleStartsAt);
    return {
      status: 'PRE_QUEUE',
      position: null,
      totalWaiting: Number(totalWaiting),
      estimatedWaitSeconds: null,
      expiresAt: null,
      saleStartsAt: new Date(starts).toISOString(),
      pollAfterMs: preQueuePollAfterMs(starts - Date.now(), Number(readyTtlSeconds), Math.random()),
    };
  }
  const pos = position === null ? null : Number(position);
  return {
    status: state as EntryState,
    position: pos,
    totalWaiting: Number(totalWaiting),
    expiresAt: deadline === null ? null : new Date(Number(deadline)).toISOString(),
    ...waitAdvice(pos, {
      measuredRate: measuredRate === null ? null : Number(measuredRate),
      admitPerSecond: Number(admitPerSecond),
      readyTtlSeconds: Number(readyTtlSeconds),
    }),
  };
}
