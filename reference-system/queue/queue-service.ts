import { ApiError, notFound } from '../shared/errors.ts';
import { newEntryId } from './entry-id.ts';
import { tokenExpired } from '../waiting-room/turn-access.ts';
import type { TokenClaims, TokenCodec } from '../shared/queue-token.ts';
import type { EntrySnapshot } from '../waiting-room/room-store.ts';
import type { Rooms } from '../waiting-room/rooms.ts';
import type { Draws } from './draw.ts';
import { preQueuePollAfterMs, waitAdvice } from './wait-estimate.ts';

import type { EntryState } from '../waiting-room/room-store.ts';

export type { EntryState };

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
 * The waiting room's operations, one Lua script (one round trip) each on a room of one slot, a
 * few in parallel on a sharded one (waiting-room/rooms.ts); HTTP concerns stay in
 * queue-routes.ts. Tokens are signed and verified here, locally.
 */
export function createQueueService(deps: { rooms: Rooms; tokens: TokenCodec; draws: Draws }) {
  const { rooms, tokens, draws } = deps;

  return {
    async enter(concertId: string, userId: string): Promise<{ created: boolean; token: string } & EntryView> {
      // The entry id is used only if this is a new entry; the draw score only in a pre-queue.
      const entryBits = newEntryId();
      let result = await rooms.enter(concertId, userId, entryBits, draws.knownScore(concertId, userId));
      // First pre-queue entry this instance sees for the concert: it learns the seed once.
      if (result.outcome === 'NEED_DRAW') result = await rooms.enter(concertId, userId, entryBits, await draws.score(concertId, userId));
      if (result.outcome === 'NO_CONCERT') throw notFound('CONCERT_NOT_FOUND', `concert ${concertId} does not exist`);
      if (result.outcome === 'NOT_OPEN') {
        const opensAt = new Date(result.opensAt).toISOString();
        throw new ApiError(409, 'QUEUE_NOT_OPEN', `the queue of concert ${concertId} opens at ${opensAt}`, {}, { opensAt });
      }
      if (result.outcome === 'NEED_DRAW') throw new Error(`enter.lua asked for the draw of concert ${concertId} twice`);
      return {
        created: result.outcome === 'NEW',
        token: tokens.sign({ concertId, userId, entryId: result.entryId }),
        ...view(result.entry),
      };
    },

    async status(claims: TokenClaims): Promise<EntryView> {
      const entry = await rooms.status(claims.concertId, claims.entryId, claims.userId);
      if (!entry) throw tokenExpired();
      return view(entry);
    },

    async activate(claims: TokenClaims): Promise<{ status: 'ACTIVE'; expiresAt: string }> {
      const result = await rooms.activate(claims.concertId, claims.entryId, claims.userId);
      if (result.outcome === 'GONE') throw tokenExpired();
      if (result.outcome === 'NOT_READY') throw new ApiError(409, 'NOT_READY', 'still waiting: activate once the status is READY');
      return { status: 'ACTIVE', expiresAt: new Date(result.deadline).toISOString() };
    },

    async extend(claims: TokenClaims): Promise<{ status: 'ACTIVE'; expiresAt: string; extensionsLeft: number }> {
      const result = await rooms.extend(claims.concertId, claims.entryId, claims.userId);
      if (result.outcome === 'GONE') throw tokenExpired();
      if (result.outcome === 'NOT_ACTIVE') throw new ApiError(409, 'NOT_ACTIVE', 'only a shopper (ACTIVE) can extend her turn');
      if (result.outcome === 'EXTENSION_LIMIT') throw new ApiError(409, 'EXTENSION_LIMIT', 'this turn was already extended as often as the concert allows');
      return { status: 'ACTIVE', expiresAt: new Date(result.deadline).toISOString(), extensionsLeft: Math.max(0, result.extensionsLeft) };
    },

    async exit(claims: TokenClaims): Promise<void> {
      if (!(await rooms.finish(claims.concertId, claims.entryId, claims.userId, 'exited'))) throw tokenExpired();
    },
  };
}

export type QueueService = ReturnType<typeof createQueueService>;

/** An entry as a fan is told it: her place, the estimate, when to ask again. */
function view(entry: EntrySnapshot): EntryView {
  if (entry.state === 'PRE_QUEUE') {
    const starts = Number(entry.saleStartsAt);
    return {
      status: 'PRE_QUEUE',
      position: null,
      totalWaiting: entry.totalWaiting,
      estimatedWaitSeconds: null,
      expiresAt: null,
      saleStartsAt: new Date(starts).toISOString(),
      pollAfterMs: preQueuePollAfterMs(starts - Date.now(), entry.basis.readyTtlSeconds, Math.random()),
    };
  }
  return {
    status: entry.state,
    position: entry.position,
    totalWaiting: entry.totalWaiting,
    expiresAt: entry.deadline === null ? null : new Date(entry.deadline).toISOString(),
    ...waitAdvice(entry.position, entry.basis),
  };
}
