import { randomBytes } from 'node:crypto';
import { ApiError, notFound } from '../shared/errors.ts';
import { tokenExpired } from '../shared/queue-access.ts';
import type { TokenClaims, TokenCodec } from '../shared/queue-token.ts';
import type { QueueScripts, ScriptReply } from '../shared/queue-scripts.ts';

export type EntryState = 'WAITING' | 'READY' | 'ACTIVE';

export type EntryView = {
  status: EntryState;
  position: number | null;
  totalWaiting: number;
  estimatedWaitSeconds: number;
  expiresAt: string | null;
  pollAfterMs: number;
};

/** The waiting room's operations; HTTP concerns stay in queue-routes.ts. */
export function createQueueService(deps: { scripts: QueueScripts; tokens: TokenCodec }) {
  const { scripts, tokens } = deps;

  return {
    async enter(concertId: string, userId: string): Promise<{ created: boolean; token: string } & EntryView> {
      const entryId = randomBytes(16).toString('base64url');
      const reply = await scripts.run('enter', concertId, userId, entryId);
      if (reply[0] === 'NO_CONCERT') throw notFound('CONCERT_NOT_FOUND', `concert ${concertId} does not exist`);
      const [outcome, state, id, position, totalWaiting, deadline, rate] = reply;
      return {
        created: outcome === 'NEW',
        token: tokens.sign({ concertId, userId, entryId: String(id) }),
        ...view(state, position, totalWaiting, deadline, rate),
      };
    },

    async status(claims: TokenClaims): Promise<EntryView> {
      const [state, position, totalWaiting, deadline, rate] = await scripts.run(
        'status',
        claims.concertId,
        claims.entryId,
        claims.userId,
      );
      if (state === 'GONE') throw tokenExpired();
      return view(state, position, totalWaiting, deadline, rate);
    },

    async activate(claims: TokenClaims): Promise<{ status: 'ACTIVE'; expiresAt: string }> {
      const [outcome, deadline] = await scripts.run('activate', claims.concertId, claims.entryId, claims.userId);
      if (outcome === 'GONE') throw tokenExpired();
      if (outcome === 'NOT_READY') throw new ApiError(409, 'NOT_READY', 'still waiting: activate once the status is READY');
      return { status: 'ACTIVE', expiresAt: new Date(Number(deadline)).toISOString() };
    },

    async exit(claims: TokenClaims): Promise<void> {
      const [outcome] = await scripts.run('finish', claims.concertId, claims.entryId, claims.userId, 'exited');
      if (outcome === 'GONE') throw tokenExpired();
    },
  };
}

export type QueueService = ReturnType<typeof createQueueService>;


function view(...[state, position, totalWaiting, deadline, rate]: ScriptReply): EntryView {
  const pos = position === null ? null : Number(position);
  return {
    status: state as EntryState,
    position: pos,
    totalWaiting: Number(totalWaiting),
    estimatedWaitSeconds: pos === null ? 0 : Math.ceil(pos / Math.max(1, Number(rate))),
    expiresAt: deadline === null ? null : new Date(Number(deadline)).toISOString(),
    pollAfterMs: pollAfterMs(pos),
  };
}

/** The back of a long queue polls less often: 1 s near the front, up to 30 s far back. */
export function pollAfterMs(position: number | null): number {
  if (position === null) return 1000;
  return Math.min(30_000, 1000 + Math.floor(position / 1000) * 1000);
}
