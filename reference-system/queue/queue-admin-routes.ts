import type Router from '@koa/router';
import type { Cluster } from 'ioredis';
import { requireAdmin } from '../shared/admin-auth.ts';
import { conflict, notFound, validationFailed } from '../shared/errors.ts';
import { queueKeys } from '../waiting-room/keys.ts';
import { POLICY_LIMITS, SCHEDULE_FIELDS, parsePolicy, parseSchedule, type QueuePolicy } from '../waiting-room/policy.ts';
import type { Rooms } from '../waiting-room/rooms.ts';
import { requireId, requireInstantOrNull, requireInt, requireObject } from '../shared/validation.ts';
import type { Draws } from './draw.ts';
import { readRoomStats } from './room-stats.ts';

const concertNotFound = (concertId: string) => notFound('CONCERT_NOT_FOUND', `concert ${concertId} does not exist`);

/** The policy's `shards`: how many slots (masters) one concert's waiting line is spread over. */
export const SHARDS_LIMITS: [number, number] = [1, 16];

/**
 * Operators' controls of one concert's waiting room; every queue instance serves them. Checks
 * run in this order, each before anything changes: bearer (401), concert id (400), concert
 * exists (404), body (400).
 */
export function registerQueueAdminRoutes(
  router: Router,
  deps: { redis: Cluster; rooms: Rooms; draws: Draws; adminToken: string; defaultPolicy: QueuePolicy },
) {
  const { redis, rooms, draws } = deps;
  const admin = requireAdmin(deps.adminToken);
  const effectivePolicy = (hash: Record<string, string>) => ({ ...parsePolicy(hash, deps.defaultPolicy), ...parseSchedule(hash), shards: Number(hash.shards ?? 1) });

  const existingRoom = async (rawId: string) => {
    const concertId = requireId(rawId, 'concertId');
    const keys = queueKeys(concertId);
    if (!(await redis.exists(keys.policy))) throw concertNotFound(concertId);
    return { ...keys, concertId };
  };

  router.put('/admin/concerts/:concertId/queue-policy', admin, async (ctx) => {
    const keys = await existingRoom(ctx.params.concertId);
    const body = requireObject(ctx.request.body);
    const changes: Partial<Record<keyof QueuePolicy, number>> = {};
    for (const [field, [min, max]] of Object.entries(POLICY_LIMITS) as [keyof QueuePolicy, [number, number]][]) {
      if (body[field] !== undefined) changes[field] = requireInt(body[field], field, min, max);
    }
    const schedule: Partial<Record<(typeof SCHEDULE_FIELDS)[number], number | null>> = {};
    for (const field of SCHEDULE_FIELDS) if (body[field] !== undefined) schedule[field] = requireInstantOrNull(body[field], field);
    const shards = body.shards === undefined ? undefined : requireInt(body.shards, 'shards', ...SHARDS_LIMITS);
    // A body with none of the fields is most likely a typo; saying so beats a silent no-op.
    if (Object.keys(changes).length + Object.keys(schedule).length === 0 && shards === undefined) {
      throw validationFailed(`give at least one of ${[...Object.keys(POLICY_LIMITS), ...SCHEDULE_FIELDS, 'shards'].join(', ')}`);
    }
    // Every check before any change; the number of shards is checked and changed in one step.
    const drawNeeded = Object.keys(schedule).length > 0 && (await checkSchedule(keys, schedule));
    if (shards !== undefined) {
      const changed = await rooms.setShards(keys.concertId, shards);
      if (changed === 'NO_CONCERT') throw concertNotFound(keys.concertId);
      if (changed === 'SHARDS_LOCKED') throw conflict('SHARDS_LOCKED', 'fans have entered this waiting room: its number of shards can no longer change');
    }
    if (drawNeeded) await draws.ensure(keys.concertId);
    const tx = redis.multi();
    if (Object.keys(changes).length > 0) tx.hset(keys.policy, changes);
    for (const [field, ms] of Object.entries(schedule)) {
      if (ms === null) tx.hdel(keys.policy, field);
      else tx.hset(keys.policy, field, String(ms));
    }
    await tx.exec();
    if (Object.keys(changes).length + Object.keys(schedule).length > 0) await rooms.copyPolicyToShards(keys.concertId);
    ctx.body = effectivePolicy(await redis.hgetall(keys.policy));
  });

  /**
   * A schedule change, checked against what is stored, before anything is written: a pre-queue
   * needs a sale start after it opens, and a sale that started (or took fans first come, first
   * served) cannot be moved into the future: its draw is public, so a new pre-queue's order
   * would be predictable. True when the change sets a sale start ahead: the concert's draw must
   * be made before it is stored.
   */
  const checkSchedule = async (keys: { policy: string; concertId: string }, schedule: Partial<Record<(typeof SCHEDULE_FIELDS)[number], number | null>>) => {
    const [storedOpens, storedStarts] = await redis.hmget(keys.policy, 'preQueueOpensAt', 'saleStartsAt');
    const { counters } = await rooms.stats(keys.concertId);
    const stored = (value: string | null) => (value === null ? null : Number(value));
    const opens = 'preQueueOpensAt' in schedule ? schedule.preQueueOpensAt! : stored(storedOpens);
    const starts = 'saleStartsAt' in schedule ? schedule.saleStartsAt! : stored(storedStarts);
    if (opens !== null && starts === null) throw validationFailed('preQueueOpensAt needs a saleStartsAt: set both, or clear both');
    if (opens !== null && starts !== null && opens > starts) throw validationFailed('preQueueOpensAt must not be after saleStartsAt');
    const now = Date.now();
    if (starts !== null && starts > now) {
      const previous = stored(storedStarts);
      const alreadyOnSale = previous === null ? Number(counters.entered ?? 0) > 0 : previous <= now;
      if (alreadyOnSale) throw conflict('SALE_ALREADY_STARTED', 'this sale already started: its start cannot be moved into the future');
      return true;
    }
    return false;
  };

  // Pausing stops admission only: entering, polling, activating and expiry go on.
  router.post('/admin/concerts/:concertId/queue/pause', admin, async (ctx) => {
    const keys = await existingRoom(ctx.params.concertId);
    await redis.hset(keys.policy, 'paused', '1');
    ctx.status = 204;
  });

  router.post('/admin/concerts/:concertId/queue/resume', admin, async (ctx) => {
    const keys = await existingRoom(ctx.params.concertId);
    await redis.hset(keys.policy, 'paused', '0');
    ctx.status = 204;
  });

  router.get('/admin/concerts/:concertId/queue', admin, async (ctx) => {
    const concertId = requireId(ctx.params.concertId, 'concertId');
    const room = await readRoomStats(rooms, concertId);
    if (!room) throw concertNotFound(concertId);
    // The contract's seven counts, then extras operators want on a sale day.
    ctx.body = {
      waiting: room.waiting,
      shards: room.shards,
      shardWaiting: room.shardWaiting,
      ready: room.ready,
      active: room.active,
      entered: room.entered,
      exited: room.exited,
      expired: room.expired,
      completed: room.completed,
      admitted: room.admitted,
      extended: room.extended,
      preQueueEntered: room.preQueueEntered,
      paused: room.paused,
      measuredAdmitPerSecond: room.measuredAdmitPerSecond,
      preQueued: room.preQueued,
      drawCommitment: room.drawCommitment,
      drawSeed: room.drawSeed,
      policy: effectivePolicy(room.policy),
    };
  });
}
