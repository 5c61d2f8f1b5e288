import { randomBytes } from 'node:crypto';
import type { PromoteResult } from '../../reference-system/waiting-room/room-store.ts';
import type { Cluster } from 'ioredis';
import { createRoomStore, type RoomStore } from '../../reference-system/waiting-room/room-store.ts';
import { createRooms, type Rooms } from '../../reference-system/waiting-room/rooms.ts';
import type { QueuePolicy } from '../../reference-system/waiting-room/policy.ts';
import { openWaitingRoom } from '../../reference-system/waiting-room/open-room.ts';
import { queueKeys } from '../../reference-system/waiting-room/keys.ts';
import { removeRunResources } from '../../environment/cleanup.ts';
import { images, runLabels } from '../../environment/images.ts';
import { RedisClusterContainer, type StartedRedisCluster } from '../../environment/redis-cluster.ts';
import { applyTestcontainersDefaults } from '../../environment/test-environment.ts';

export const TEST_POLICY: QueuePolicy = {
  activeLimit: 1000,
  admitPerSecond: 1000,
  readyTtlSeconds: 60,
  activeIdleSeconds: 300,
  holdSeconds: 300,
  sessionSeconds: 600,
  maxExtensions: 2,
};

/** Arguments of one promote run: budget, burst seconds, rate window ms. */
export type PromoteArgs = { budget?: number; burstSeconds?: number; rateWindowMs?: number };

/**
 * A real Redis Cluster (3 masters + 3 replicas) with the queue scripts loaded, for one test
 * file: start it in before(), stop it in after(). No mocks: the scripts run where they will run.
 */
export async function startLuaHarness() {
  applyTestcontainersDefaults();
  const cluster = await new RedisClusterContainer(images.redis)
    .withMasters(3)
    .withLabels(runLabels())
    .start();
  const redis = cluster.createClient();
  const store = createRoomStore(redis);
  return new LuaHarness(cluster, redis, store, createRooms({ redis, store }));
}

/** For after(): stops the harness, and removes this run's containers even if before() failed. */
export async function stopLuaHarness(h: LuaHarness | undefined): Promise<void> {
  if (h) await h.stop();
  else await removeRunResources();
}

export class LuaHarness {
  readonly cluster: StartedRedisCluster;
  readonly redis: Cluster;
  /** The scripts as the services call them: one typed function each. */
  readonly store: RoomStore;
  /** Rooms of any layout, as the services use them (a sharded room's operations and admission). */
  readonly rooms: Rooms;

  constructor(cluster: StartedRedisCluster, redis: Cluster, store: RoomStore, rooms: Rooms) {
    this.cluster = cluster;
    this.redis = redis;
    this.store = store;
    this.rooms = rooms;
  }

  /** A fresh concert id (its own hash slot, most likely) with an open room. */
  async openRoom(policy: Partial<QueuePolicy> & { paused?: boolean } = {}, concertId = `c-${randomBytes(4).toString('hex')}`) {
    const { paused, ...rest } = policy;
    await openWaitingRoom(this.redis, concertId, { ...TEST_POLICY, ...rest });
    if (paused) await this.redis.hset(queueKeys(concertId).policy, 'paused', '1');
    return concertId;
  }

  /** A fresh room spread over `shards` shards (nobody entered yet). */
  async openShardedRoom(shards: number, policy: Partial<QueuePolicy> & { paused?: boolean } = {}) {
    const concertId = await this.openRoom(policy);
    const changed = await this.rooms.setShards(concertId, shards);
    if (changed !== 'OK') throw new Error(`spreading ${concertId} over ${shards} shards answered ${changed}`);
    return concertId;
  }

  /** Enters a room of any layout like the service does. */
  async enterRoom(concertId: string, userId: string, drawScore = '') {
    const result = await this.rooms.enter(concertId, userId, randomBytes(16).toString('base64url'), drawScore);
    if (result.outcome !== 'NEW' && result.outcome !== 'EXISTING') throw new Error(`enter of ${userId} answered ${result.outcome}`);
    return { outcome: result.outcome, entryId: result.entryId, ...result.entry };
  }

  /** A promoter run on a room of any layout. */
  promoteRoom(concertId: string, args: PromoteArgs & { leaseMs?: number } = {}, rooms = this.rooms): Promise<PromoteResult> {
    return rooms.promote(concertId, { budget: args.budget ?? 500, burstSeconds: args.burstSeconds ?? 1, rateWindowMs: args.rateWindowMs ?? 5000, leaseMs: args.leaseMs ?? 2000 });
  }

  setPolicy(concertId: string, fields: Record<string, string | number>) {
    return this.redis.hset(queueKeys(concertId).policy, fields);
  }

  /**
   * Enters like the service does; returns the entry id the room knows the user by. `drawScore`:
   * her place in a pre-queue's draw (queue/draw.ts), '' when the caller knows of none.
   */
  async enter(concertId: string, userId: string, drawScore = '') {
    const result = await this.store.enter(concertId, userId, randomBytes(16).toString('base64url'), drawScore);
    if (result.outcome !== 'NEW' && result.outcome !== 'EXISTING') throw new Error(`enter of ${userId} answered ${result.outcome}`);
    return { outcome: result.outcome, entryId: result.entryId, ...result.entry };
  }

  /** The entry as its holder sees it, flat; state 'GONE' when it is gone. */
  async status(concertId: string, entryId: string, userId: string) {
    const entry = await this.store.status(concertId, entryId, userId);
    return {
      state: entry?.state ?? 'GONE',
      position: entry?.position ?? null,
      totalWaiting: entry?.totalWaiting,
      deadline: entry?.deadline ?? null,
      measuredRate: entry?.basis.measuredRate ?? null,
      admitPerSecond: entry?.basis.admitPerSecond,
      readyTtl: entry?.basis.readyTtlSeconds,
      saleStartsAt: entry?.saleStartsAt ?? null,
    };
  }

  promote(concertId: string, args: PromoteArgs = {}): Promise<PromoteResult> {
    return this.store.promote(concertId, args.budget ?? 500, args.burstSeconds ?? 1, args.rateWindowMs ?? 5000);
  }

  /** Entry ids in a set of the room, in set order. */
  members(concertId: string, set: 'waiting' | 'ready' | 'active') {
    return this.redis.zrange(queueKeys(concertId)[set], '0', '-1');
  }

  async stats(concertId: string) {
    return this.redis.hgetall(queueKeys(concertId).stats);
  }

  async stop() {
    this.redis.disconnect();
    await this.cluster.stop();
    await removeRunResources();
  }
}
