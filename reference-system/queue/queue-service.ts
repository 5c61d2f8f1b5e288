import { ApiError, notFound } from '../shared/errors.ts';
import { newEntryId } from './entry-id.ts';
import { tokenExpired } from '../shared/queue-access.ts';
import type { TokenClaims, TokenCodec } from '../shared/queue-token.ts';
import type { QueueScripts, ScriptValue } from '../shared/queue-scripts.ts';
import { waitAdvice } from './wait-estimate.ts';

export type EntryState = 'WAITING' | 'READY' | 'ACTIVE';

export type EntryView = {
  status: EntryState;
  position: number | null;
  totalWaiting: number;
  estimatedWaitSeconds: number;
  expiresAt: string | null;
  pollAfterMs: number;
};

/**
 * The waiting room's operations, one Lua script (one round trip) each; HTTP concerns stay in
 * queue-routes.ts. Tokens are signed and verified here, locally.
 */
export function createQueueService(deps: { scripts: QueueScripts; tokens: TokenCodec }) {
  const { scripts, tokens } = deps;

  return {
    async enter(concertId: string, userId: string): Promise<{ created: boolean; token: string } & EntryView> {
      // Used only if this is a new entry.
      const reply = await scripts.run('enter', concertId, userId, newEntryId());
      if (reply[0] === 'NO_CONCERT') throw notFound('CONCERT_NOT_FOUND', `concert ${concertId} does not exist`);
      const [outcome, ...entry] = reply;
      return {
        created: outcome === 'NEW',
        token: tokens.sign({ concertId, userId, entryId: String(entry[1]) }),
        ...view(entry[0], entry[2], entry[3], entry[4], entry[5]),
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

/** An entry as the scripts describe it: state, position, totalWaiting, deadline, estimate basis. */
function view(state: ScriptValue, position: ScriptValue, totalWaiting: ScriptValue, deadline: ScriptValue, basis: ScriptValue): EntryView {
  const pos = position === null ? null : Number(position);
  const [measuredRate, admitPerSecond, readyTtlSeconds] = (basis ?? []) as ScriptValue[];
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
