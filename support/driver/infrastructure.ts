import { target } from '../target.ts';
import { routes, type Route } from './routes.ts';
import { schemas, type SlotOwner } from './schemas.ts';
import { call, type Stage } from './stage.ts';
import type { z } from 'zod';
import { parsePrometheus, sampleValue } from '../prometheus.ts';
import { eventually } from '../polling.ts';

/**
 * The infrastructure under the system: queue server processes, the Redis Cluster, PostgreSQL.
 * Fault scenarios steer it through the runner's fault-injection server (environment/faults/),
 * which only a managed target has; @infra scenarios skip elsewhere. Its calls stay out of the report's transcripts: they carry the infra token, and
 * reports show what the system under test answered, not the harness.
 */
export class Infrastructure {
  readonly #stage: Stage;

  constructor(stage: Stage) {
    this.#stage = stage;
  }

  static available(): boolean {
    return Boolean(target.infraUrl);
  }

  state() {
    return this.#control('reading what is down', routes.infrastructure.state(), schemas.infraState);
  }

  killQueueServer(server: number) {
    return this.#control(`killing queue server ${server}`, routes.infrastructure.killQueueServer(server), schemas.restored);
  }

  /**
   * The Redis master serving a concert's waiting room (every key of it carries `{concertId}`), or
   * the part of it a `key` the fault server named lives in (a shard: loneShardKey).
   */
  redisOwnerOf(concert?: string, key = this.#slotKey(concert)): Promise<SlotOwner> {
    return this.#control('finding the Redis master of the concert', routes.infrastructure.redisOwner(), schemas.slotOwner, { key });
  }

  killRedisMasterOf(concert?: string, key = this.#slotKey(concert)): Promise<SlotOwner> {
    return this.#control("killing the Redis master of the concert's waiting room", routes.infrastructure.killRedisOwner(), schemas.slotOwner, { key });
  }

  /**
   * A key of one shard of the concert's sharded waiting room whose master holds no other part of
   * the room: the one most of `fans` waited on (the fault server knows which shard a fan's is),
   * and how many of them did.
   */
  loneShardKeyOf(fans: { userId: string }[], concert?: string): Promise<{ key: string; fans: number }> {
    return this.#control('finding a shard alone on its master', routes.infrastructure.loneShardKey(this.#stage.concertId(concert)), schemas.shardKey, {
      userIds: fans.map((fan) => fan.userId),
    });
  }

  /** The replica of the concert's master stops confirming writes; the cluster still counts it healthy. */
  silenceReplicaOf(concert?: string) {
    return this.#control("silencing the replica of the concert's waiting room", routes.infrastructure.silenceReplica(), schemas.silencedReplica, { key: this.#slotKey(concert) });
  }

  /** The replica of the concert's Redis master cut off from it: the master goes on alone, both up. */
  cutReplicationOf(concert?: string) {
    return this.#control("cutting the replica of the concert's Redis master off", routes.infrastructure.cutRedisReplication(), schemas.replicationCut, { key: this.#slotKey(concert) });
  }

  /** Every queue server's promoter stops tending the concert (no admission, no expiry in the background); calls are served as before. */
  stallPromoters(concert?: string) {
    return this.#control('stopping the promoters of the concert', routes.infrastructure.stallPromoters(), schemas.promotersStalled, { concertId: this.#stage.concertId(concert) });
  }

  /** The shard a fan waits on stamps arrivals as if its master's clock ran `seconds` ahead of the others'. */
  async shardClockAhead(userId: string, seconds: number, concert?: string): Promise<void> {
    await this.#control("moving a shard's clock ahead", routes.infrastructure.shardClockAhead(this.#stage.concertId(concert)), schemas.restored, { userId, seconds });
  }

  /**
   * A promoter that dies in the middle of an admission batch of the concert's sharded room:
   * admission resumes, the batch begins (holding it for `leaseMs`), its fans leave one shard
   * only. Who it took off that shard.
   */
  async stallAdmission(leaseMs: number, concert?: string) {
    const concertId = this.#stage.concertId(concert);
    const stalled = await this.#control('stalling an admission batch halfway', routes.infrastructure.stallAdmission(concertId), schemas.stalledBatch, { leaseMs });
    this.#stage.rooms.resumedByFault(concertId);
    return stalled;
  }

  /**
   * Waits until a node other than `killed` serves the concert's waiting room and is not failing:
   * the replica the cluster promoted. Fails after `timeoutMs`, naming the owner it last saw.
   */
  untilNewRedisOwner(killed: SlotOwner, timeoutMs: number, concert?: string): Promise<SlotOwner> {
    return eventually(() => this.redisOwnerOf(concert), (o) => o.node !== killed.node && !o.failing, {
      what: 'a replica to be promoted',
      timeoutMs,
      describe: (o) => `${o.node} (failing: ${o.failing})`,
    });
  }

  /**
   * What is not as it was: the core service if it started again since `coreStartedAt` (from
   * coreStartedAt()), and each queue server that is not running. Empty when nothing restarted.
   */
  async restartedOrDownSince(coreStartedAt: number | undefined): Promise<string[]> {
    const changed = (await this.coreStartedAt()) === coreStartedAt ? [] : ['the core service started again'];
    const down = (await this.state()).queueInstances.filter((q) => !q.running).map((q) => `queue server ${q.instance} is not running`);
    return [...changed, ...down];
  }

  async restartDatabase(): Promise<number> {
    const { acceptingAfterMs } = await this.#control('restarting PostgreSQL', routes.infrastructure.restartPostgres(), schemas.restarted);
    return acceptingAfterMs;
  }

  /**
   * A network fault on the links from a service (core, queue-1, payment-gateway) to a peer
   * (postgres, redis, core): packet loss both ways, a cut, or a throttle on what it sends.
   */
  faultNetwork(service: string, peer: 'postgres' | 'redis' | 'core', fault: { lossPercent: number } | { cut: true } | { bitsPerSecond: number }) {
    return this.#control(`faulting the network from ${service} to ${peer}`, routes.infrastructure.faultNetwork(service), schemas.networkFault, { peer, ...fault });
  }

  restoreNetwork() {
    return this.#control('lifting every network fault', routes.infrastructure.restoreNetwork(), schemas.restored);
  }

  /** Undoes every fault still in place and waits until all services are ready. */
  async restoreAll(): Promise<number> {
    const { restoredAfterMs } = await this.#control('restoring every node and service', routes.infrastructure.restoreAll(), schemas.restoredAll);
    return restoredAfterMs;
  }

  /** When the core service's process started (from its metrics): unchanged means it was not restarted. */
  async coreStartedAt(): Promise<number> {
    const answer = await call(this.#stage, "reading the core service's metrics", target.coreUrl, routes.operations.metrics(), schemas.metrics, { asLatest: false });
    const started = sampleValue(parsePrometheus(answer.value), 'process_start_time_seconds');
    if (started === undefined) throw new Error("the core service's metrics have no process_start_time_seconds");
    return started;
  }

  #slotKey(concert?: string): string {
    return `{${this.#stage.concertId(concert)}}`;
  }

  async #control<T>(what: string, route: Route, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    if (!target.infraUrl) throw new Error('this target has no fault-injection server: fault injection needs a managed target (npm run e2e)');
    const answer = await call(this.#stage, what, target.infraUrl, route, schema, {
      headers: { authorization: `Bearer ${target.infraToken}` },
      body,
      // Restoring a cluster can take a while on a busy machine; never forever.
      timeoutMs: 120_000,
      record: false,
      asLatest: false,
    });
    if (!answer.succeeded) throw new Error(`${what} failed: ${answer}`);
    return answer.value;
  }
}
