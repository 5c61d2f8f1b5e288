import type { ServerResponse } from 'node:http';
import type { Cluster } from 'ioredis';
import { ApiError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { Rooms } from '../waiting-room/rooms.ts';
import type { TokenClaims } from '../shared/queue-token.ts';
import type { EntryView, QueueService } from './queue-service.ts';
import { LEASE_RENEW_MS, type StreamLease, type StreamLeases } from './stream-leases.ts';

export type StreamSettings = {
  /** Most streams this instance serves at once; beyond it, 503 and the client polls. */
  limit: number;
  /** How often each concert's streams are checked for admissions and other status changes. */
  tickMs: number;
  /** Longest silence on a stream: a comment line is written when nothing else was. */
  heartbeatMs: number;
  /** The client's reconnection delay, sent as the stream's `retry:` field. */
  retryMs: number;
};

export const DEFAULT_STREAM_SETTINGS: StreamSettings = { limit: 10_000, tickMs: 250, heartbeatMs: 15_000, retryMs: 3_000 };

/** What a stream pushes: the answer GET /status would give, or its refusal once the entry is gone. */
type Pushed = EntryView | { error: { code: string; message: string } };

/** States in which a stream stays open (docs/api.md); after any other it ends. */
const OPEN_STATES = new Set(['PRE_QUEUE', 'WAITING', 'READY']);
/** Position changes are pushed at most this often. */
const POSITION_PUSH_MS = 1000;

type Stream = {
  claims: TokenClaims;
  res: ServerResponse;
  lease?: StreamLease;
  last: Pushed;
  lastPushAt: number;
  lastWriteAt: number;
  /** Arrival number (score in the waiting set) while WAITING: admission pops the lowest first. */
  arrival?: number;
  /** The waiting set the entry waits in: the room's, or her shard's in a sharded room. */
  waitingKey?: string;
  /** When its position is read again (the cadence polling would have: pollAfterMs, ≥ 1 s). */
  nextRefreshAt: number;
  refreshing: boolean;
  ended: boolean;
};

export type StreamEvents = {
  opened(): void;
  closed(): void;
  refused(reason: 'entry_limit' | 'instance_limit'): void;
};

/**
 * The status streams one instance serves (GET /api/v1/queue/events). No stream polls on its
 * own: one loop per instance, every `tickMs`, reads per concert with open streams the arrival
 * number at the head of the waiting set (one ZRANGE; in a sharded room, of each shard a waiting
 * stream's fan is on, her shard being admitted from its head too). A waiting fan whose arrival
 * number is below it was admitted (or left), so only those, the READY ones (who may start
 * shopping anywhere) and those due a position update are read with the status script, all of a
 * concert's in one pipeline (script-batches.ts). Position updates follow the fan's pollAfterMs, never more than
 * once a second: a stream knows as much as a poller, sooner for status changes, for a fraction
 * of the cost (docs/load.md, SSE). Enter, activate and exit through this instance wake the
 * entry's streams at once.
 */
export function createStatusStreams(deps: {
  redis: Cluster;
  rooms: Rooms;
  service: QueueService;
  leases: StreamLeases;
  logger: Logger;
  settings: StreamSettings;
  events?: StreamEvents;
  instanceId: string;
}) {
  const { redis, rooms, service, leases, logger, settings, events } = deps;
  const byConcert = new Map<string, Set<Stream>>();
  const tending = new Set<string>();
  let open = 0;
  let opening = 0;
  let serial = 0;
  let closing = false;

  const write = (stream: Stream, text: string) => {
    if (stream.ended) return;
    stream.res.write(text);
    stream.lastWriteAt = Date.now();
  };

  const push = (stream: Stream, view: Pushed, first = false) => {
    stream.last = view;
    stream.lastPushAt = Date.now();
    stream.nextRefreshAt = stream.lastPushAt + cadence(view);
    write(stream, `${first ? `retry: ${settings.retryMs}\n` : ''}event: status\ndata: ${JSON.stringify(view)}\n\n`);
    if (!OPEN_STATES.has(statusOf(view) ?? '')) end(stream);
  };

  const end = (stream: Stream) => {
    if (stream.ended) return;
    stream.ended = true;
    stream.res.end();
    const concert = byConcert.get(stream.claims.concertId);
    concert?.delete(stream);
    if (concert?.size === 0) byConcert.delete(stream.claims.concertId);
    open--;
    events?.closed();
    if (stream.lease) {
      leases.release(stream.lease).catch((error: unknown) => logger.warn('stream_lease_release_failed', { cause: (error as Error).message }));
    }
  };

  /** Reads the entry's status again and pushes what a client must hear of it. */
  const refresh = async (stream: Stream) => {
    if (stream.refreshing || stream.ended) return;
    stream.refreshing = true;
    try {
      const view = await readStatus(stream.claims);
      if (stream.ended) return;
      const before = stream.last;
      const now = Date.now();
      if (statusOf(view) !== statusOf(before)) push(stream, view);
      else if ('position' in view && 'position' in before && view.position !== before.position) {
        if (now - stream.lastPushAt >= POSITION_PUSH_MS) push(stream, view);
        else stream.nextRefreshAt = stream.lastPushAt + POSITION_PUSH_MS;
      } else stream.nextRefreshAt = now + cadence(view);
      if (!stream.ended && statusOf(view) === 'WAITING' && (statusOf(before) !== 'WAITING' || stream.arrival === undefined)) await learnArrival(stream);
      if (statusOf(view) !== 'WAITING') stream.arrival = undefined;
    } catch (error) {
      // Redis briefly unavailable: the next tick tries again; the client still has its stream.
      logger.warn('stream_refresh_failed', { cause: (error as Error).message });
    } finally {
      stream.refreshing = false;
    }
  };

  const learnArrival = async (stream: Stream) => {
    stream.waitingKey ??= await rooms.waitingKeyOf(stream.claims.concertId, stream.claims.entryId);
    const score = stream.waitingKey === undefined ? null : await redis.zscore(stream.waitingKey, stream.claims.entryId);
    stream.arrival = score === null ? undefined : Number(score);
  };

  const readStatus = async (claims: TokenClaims): Promise<Pushed> => {
    try {
      return await service.status(claims);
    } catch (error) {
      if (error instanceof ApiError && error.status === 410) return { error: { code: error.code, message: error.message } };
      throw error;
    }
  };

  /** The arrival number at the head of each waiting set (Infinity when it is empty). */
  const headsOf = async (keys: Set<string>) => {
    const heads = new Map<string, number>();
    await Promise.all(
      [...keys].map(async (key) => {
        const head = await redis.zrange(key, 0, 0, 'WITHSCORES');
        heads.set(key, head.length ? Number(head[1]) : Number.POSITIVE_INFINITY);
      }),
    );
    return heads;
  };

  /** One concert's share of a tick: one read of each waiting set's head, then the streams it concerns. */
  const tend = async (concertId: string, streams: Set<Stream>) => {
    if (tending.has(concertId)) return;
    tending.add(concertId);
    try {
      const waitingKeys = new Set<string>();
      for (const stream of streams) if (statusOf(stream.last) === 'WAITING' && stream.waitingKey) waitingKeys.add(stream.waitingKey);
      const heads = await headsOf(waitingKeys);
      const now = Date.now();
      const due: Promise<void>[] = [];
      for (const stream of streams) {
        const status = statusOf(stream.last);
        const head = stream.waitingKey === undefined ? undefined : heads.get(stream.waitingKey);
        const check =
          status === 'READY' ||
          now >= stream.nextRefreshAt ||
          (status === 'WAITING' && (stream.arrival === undefined || head === undefined || stream.arrival < head));
        if (check) due.push(refresh(stream));
      }
      await Promise.all(due);
    } catch (error) {
      logger.warn('stream_tick_failed', { concertId, cause: (error as Error).message });
    } finally {
      tending.delete(concertId);
    }
  };

  const ticker = setInterval(() => {
    for (const [concertId, streams] of byConcert) void tend(concertId, streams);
  }, settings.tickMs);
  // Checked often, written rarely: a stream hears a comment only after heartbeatMs less one
  // check period of silence, so never longer than heartbeatMs, and about once in it.
  const heartbeatCheckMs = Math.max(10, Math.min(1000, settings.heartbeatMs / 10));
  const heartbeat = setInterval(() => {
    const quietSince = Date.now() - (settings.heartbeatMs - heartbeatCheckMs);
    for (const streams of byConcert.values()) for (const stream of streams) if (stream.lastWriteAt <= quietSince) write(stream, ':\n\n');
  }, heartbeatCheckMs);
  const renewer = setInterval(() => {
    const held = [...byConcert.values()].flatMap((streams) => [...streams].flatMap((s) => (s.lease ? [s.lease] : [])));
    leases.renew(held).catch((error: unknown) => logger.warn('stream_lease_renew_failed', { cause: (error as Error).message }));
  }, LEASE_RENEW_MS);
  for (const timer of [ticker, heartbeat, renewer]) timer.unref();

  const refuse = (reason: 'entry_limit' | 'instance_limit') => {
    events?.refused(reason);
    return reason === 'entry_limit'
      ? new ApiError(429, 'RATE_LIMITED', 'this entry already has the most status streams open; poll GET /status or retry later', { 'retry-after': '10' })
      : new ApiError(503, 'SERVICE_UNAVAILABLE', 'this instance serves as many status streams as it may; poll GET /status meanwhile', { 'retry-after': '10' });
  };

  return {
    get openCount() {
      return open;
    },

    /**
     * Opens a stream on `res` for the holder of `claims`. Before anything is written it may
     * throw what GET /status would (401, 410, 503) or a refusal: 429 at the entry's limit, 503 at
     * the instance's. `start` writes the response head once the stream is certain.
     */
    async open(claims: TokenClaims, res: ServerResponse, start: () => void): Promise<void> {
      if (closing || open + opening >= settings.limit) throw refuse('instance_limit');
      opening++;
      let stream: Stream;
      try {
        const first: Pushed = await service.status(claims);
        const lease = OPEN_STATES.has(statusOf(first) ?? '') ? { concertId: claims.concertId, entryId: claims.entryId, member: `${deps.instanceId}-${++serial}` } : undefined;
        if (lease && !(await leases.take(lease))) throw refuse('entry_limit');
        const now = Date.now();
        stream = { claims, res, lease, last: first, lastPushAt: now, lastWriteAt: now, nextRefreshAt: now, refreshing: false, ended: false };
      } finally {
        opening--;
      }
      start();
      open++;
      events?.opened();
      const concert = byConcert.get(claims.concertId) ?? new Set<Stream>();
      byConcert.set(claims.concertId, concert);
      concert.add(stream);
      res.once('close', () => end(stream));
      push(stream, stream.last, true);
      if (closing) end(stream);
      // Its arrival number, so the tick can tell when it was admitted (unknown: read every tick).
      else if (statusOf(stream.last) === 'WAITING') learnArrival(stream).catch(() => undefined);
    },

    /** The entry changed through this instance (activate, exit): its streams hear of it at once. */
    changed(concertId: string, entryId: string): void {
      for (const stream of byConcert.get(concertId) ?? []) if (stream.claims.entryId === entryId) void refresh(stream);
    },

    /** Ends every stream (shutdown): each client reconnects to another instance after `retry`. */
    closeAll(): void {
      closing = true;
      for (const timer of [ticker, heartbeat, renewer]) clearInterval(timer);
      for (const streams of [...byConcert.values()]) for (const stream of [...streams]) end(stream);
    },
  };
}

export type StatusStreams = ReturnType<typeof createStatusStreams>;

/**
 * How long a stream's status may go unread: a waiting fan's pollAfterMs (admission is noticed
 * every tick anyway), a second in any other open state (READY is read every tick).
 */
const cadence = (view: Pushed) => ('pollAfterMs' in view && view.status === 'WAITING' ? Math.max(POSITION_PUSH_MS, view.pollAfterMs) : POSITION_PUSH_MS);

const statusOf = (view: Pushed): string | undefined => ('status' in view ? view.status : undefined);
