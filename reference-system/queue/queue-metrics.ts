import type { Cluster } from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import type { Logger } from '../shared/logger.ts';
import type { Metrics } from '../shared/metrics.ts';
import { OPEN_ROOMS_KEY } from '../waiting-room/keys.ts';
import type { Rooms } from '../waiting-room/rooms.ts';
import { readRoomStats, type RoomStats } from './room-stats.ts';

/**
 * The waiting room's Prometheus metrics. Two kinds:
 * - Room metrics (sizes, entries, exits by reason, admissions, measured rate) are read from Redis
 *   when /metrics is scraped: Redis counts every event, including expiries on read and the core
 *   service's completions, so every instance reports the same global values. Dashboards take
 *   `max without (instance)` of them, never `sum`.
 * - Instance metrics (enter→READY latency, promoter step duration, HTTP latency) are observed by
 *   the instance that did the work; dashboards `sum` them across instances.
 */
export function createQueueMetrics(deps: { metrics: Metrics; redis: Cluster; rooms: Rooms; logger: Logger }) {
  const { metrics, redis, rooms, logger } = deps;

  // One Redis read per scrape, shared by every room metric: a scrape calls each collect() in
  // the same tick, so the snapshot is dropped on the next one and the next scrape reads afresh.
  let snapshot: Promise<Map<string, RoomStats>> | undefined;
  const everyRoom = () => {
    if (!snapshot) {
      snapshot = readAllRooms();
      setImmediate(() => (snapshot = undefined));
    }
    return snapshot;
  };
  const readAllRooms = async () => {
    const result = new Map<string, RoomStats>();
    try {
      const ids = await redis.smembers(OPEN_ROOMS_KEY);
      const stats = await Promise.all(ids.map((id) => readRoomStats(rooms, id)));
      ids.forEach((id, i) => stats[i] && result.set(id, stats[i]));
    } catch (error) {
      logger.warn('metrics_snapshot_failed', { cause: (error as Error).message });
    }
    return result;
  };

  // Every room metric is filled from the scrape's snapshot the same way, whatever its type;
  // counters too, although their values are set from Redis: they only ever grow there.
  const fromRooms = <M extends { reset(): void }>(apply: (m: M, concert: string, room: RoomStats) => void) =>
    async function collect(this: M) {
      const current = await everyRoom();
      this.reset();
      for (const [concert, room] of current) apply(this, concert, room);
    };
  const roomCounter = <L extends string>(name: string, help: string, labelNames: L[], apply: (m: Counter<L>, concert: string, room: RoomStats) => void) =>
    new Counter<L>({ name, help, labelNames, registers: [metrics.registry], collect: fromRooms(apply) });
  const roomGauge = <L extends string>(name: string, help: string, labelNames: L[], apply: (m: Gauge<L>, concert: string, room: RoomStats) => void) =>
    new Gauge<L>({ name, help, labelNames, registers: [metrics.registry], collect: fromRooms(apply) });

  roomCounter('queue_entries_total', 'Entries into the waiting room (re-entries of a live entry not counted)', ['concert'],
    (m, concert, room) => m.inc({ concert }, room.entered));
  roomCounter('queue_exits_total', 'Entries ended, by reason: exited (left), expired (READY or ACTIVE timed out), completed (booked)', ['concert', 'reason'],
    (m, concert, room) => {
      for (const reason of ['exited', 'expired', 'completed'] as const) m.inc({ concert, reason }, room[reason]);
    });
  roomCounter('queue_admissions_total', 'Users moved from waiting to READY', ['concert'],
    (m, concert, room) => m.inc({ concert }, room.admitted));
  roomGauge('queue_users', 'Users in the waiting room by state: pre_queue (a scheduled sale not started yet), waiting, ready, active', ['concert', 'state'],
    (m, concert, room) => {
      m.set({ concert, state: 'pre_queue' }, room.preQueued);
      for (const state of ['waiting', 'ready', 'active'] as const) m.set({ concert, state }, room[state]);
    });
  roomCounter('queue_pre_queue_entries_total', 'Entries into the pre-queue of a scheduled sale (counted in queue_entries_total too)', ['concert'],
    (m, concert, room) => m.inc({ concert }, room.preQueueEntered));
  roomCounter('queue_extensions_total', 'Shopping turns extended (POST /api/v1/queue/extend granted)', ['concert'],
    (m, concert, room) => m.inc({ concert }, room.extended));
  roomGauge('queue_active_limit', 'Most users READY plus ACTIVE at once (policy)', ['concert'],
    (m, concert, room) => m.set({ concert }, room.activeLimit));
  roomGauge('queue_admit_per_second_limit', 'Most admissions per second (policy)', ['concert'],
    (m, concert, room) => m.set({ concert }, room.admitPerSecond));
  roomGauge('queue_measured_admissions_per_second', 'Admission rate the promoters measured; wait estimates use it', ['concert'],
    (m, concert, room) => {
      if (room.measuredAdmitPerSecond !== null) m.set({ concert }, room.measuredAdmitPerSecond);
    });
  roomGauge('queue_paused', '1 while admission to the concert is paused', ['concert'],
    (m, concert, room) => m.set({ concert }, room.paused ? 1 : 0));

  const enterToReady = metrics.histogram('queue_enter_to_ready_seconds', 'Time from entering to being admitted (READY)',
    [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200], ['concert']);
  const promoteStep = metrics.histogram('queue_promoter_step_seconds', 'Duration of one promote script call for one concert, seen by this instance (includes the round trip)',
    [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]);
  const promoterFailures = metrics.counter('queue_promoter_failures_total', 'Promoter steps that failed (Redis unavailable, ...)');
  const cutSpread = metrics.histogram('queue_admission_cut_spread_seconds', "A sharded room's admission run: how far apart its shards' cuts were (fans stamped in between wait for the next run)",
    [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1]);

  return {
    admitted(concert: string, latenciesMs: number[]) {
      for (const ms of latenciesMs) if (ms >= 0) enterToReady.observe({ concert }, ms / 1000);
    },
    promoteStepTook(seconds: number) {
      promoteStep.observe(seconds);
    },
    promoterFailed() {
      promoterFailures.inc();
    },
    cutSpread(seconds: number) {
      cutSpread.observe(seconds);
    },
  };
}

export type QueueMetrics = ReturnType<typeof createQueueMetrics>;
