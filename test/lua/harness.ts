import { randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { loadScripts, type QueueScripts, type ScriptReply } from '../../reference-system/shared/queue-scripts.ts';
import type { QueuePolicy } from '../../reference-system/shared/queue-policy.ts';
import { openWaitingRoom } from '../../reference-system/shared/waiting-room.ts';
import { queueKeys } from '../../reference-system/shared/queue-keys.ts';
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
export type PromoteResult = { admitted: number; expired: number; more: boolean; latenciesMs: number[] };

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
  return new LuaHarness(cluster, redis, loadScripts(redis));
}

/** For after(): stops the harness, and removes this run's containers even if before() failed. */
export async function stopLuaHarness(h: LuaHarness | undefined): Promise<void> {
  if (h) await h.stop();
  else await removeRunResources();
}

export class LuaHarness {
  readonly cluster: StartedRedisCluster;
  readonly redis: Cluster;
  readonly scripts: QueueScripts;

  constructor(cluster: StartedRedisCluster, redis: Cluster, scripts: QueueScripts) {
    this.cluster = cluster;
    this.redis = redis;
    this.scripts = scripts;
  }

  /** A fresh concert id (its own hash slot, most likely) with an open room. */
  async openRoom(policy: Partial<QueuePolicy> & { paused?: boolean } = {}, concertId = `c-${randomBytes(4).toString('hex')}`) {
    const { paused, ...rest } = policy;
    await openWaitingRoom(this.redis, concertId, { ...TEST_POLICY, ...rest });
    if (paused) await this.redis.hset(queueKeys(concertId).policy, 'paused', '1');
    return concertId;
  }

  setPolicy(concertId: string, fields: Record<string, string | number>) {
    return this.redis.hset(queueKeys(concertId).policy, fields);
  }

  /**
   * Enters like the service does; returns the entry id the room knows the user by. `drawScore`:
   * her place in a pre-queue's draw (queue/draw.ts), '' when the caller knows of none.
   */
  async enter(concertId: string, userId: string, drawScore = '') {
    const reply = await this.scripts.run('enter', concertId, userId, randomBytes(16).toString('base64url'), drawScore);
    return {
      outcome: reply[0] as string,
      state: reply[1] as string,
      entryId: reply[2] as string,
      position: reply[3] as number | null,
      totalWaiting: reply[4] as number,
      saleStartsAt: reply[7] as number | null,
    };
  }

  async status(concertId: string, entryId: string, userId: string) {
    const [state, position, totalWaiting, deadline, basis] = await this.scripts.run('status', concertId, entryId, userId);
    const [measuredRate, admitPerSecond, readyTtl] = (basis ?? []) as (string | null)[];
    return {
      state: state as string,
      position: position as number | null,
      totalWaiting,
      deadline,
      measuredRate: measuredRate === null ? null : Number(measuredRate),
      admitPerSecond: Number(admitPerSecond),
      readyTtl: Number(readyTtl),
    };
  }

  run(name: string, concertId: string, ...args: (string | number)[]): Promise<ScriptReply> {
    return this.scripts.run(name, concertId, ...args);
  }

  async promote(concertId: string, args: PromoteArgs = {}): Promise<PromoteResult> {
    const [admitted, expired, more, latencies] = await this.scripts.run(
      'promote',
      concertId,
      args.budget ?? 500,
      args.burstSeconds ?? 1,
      args.rateWindowMs ?? 5000,
    );
    return { admitted: Number(admitted), expired: Number(expired), more: Number(more) === 1, latenciesMs: (latencies as number[]).map(Number) };
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
