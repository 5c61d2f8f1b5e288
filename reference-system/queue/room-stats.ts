import type { Rooms } from '../waiting-room/rooms.ts';

/**
 * One waiting room (lua/stats.lua; for a sharded room, with lua/shard/stats.lua of each shard):
 * what operators and /metrics see.
 */
export type RoomStats = {
  waiting: number;
  /** The shards its waiting line is spread over (1: the room's one slot). */
  shards: number;
  /** Waiting fans on each shard; their sum is `waiting`. */
  shardWaiting: number[];
  ready: number;
  active: number;
  entered: number;
  admitted: number;
  exited: number;
  expired: number;
  completed: number;
  /** Extensions granted (POST /extend). */
  extended: number;
  /** Entries that joined a pre-queue. */
  preQueueEntered: number;
  paused: boolean;
  activeLimit: number;
  admitPerSecond: number;
  /** Admissions per second the promoters measured; null until a first window was measured. */
  measuredAdmitPerSecond: number | null;
  /** Fans in the pre-queue of a sale that has not started (they are not `waiting` yet). */
  preQueued: number;
  /** SHA-256 of the draw's seed (hex) once the concert has a sale start; null before. */
  drawCommitment: string | null;
  /** The draw's seed (hex), only once the sale started. */
  drawSeed: string | null;
  /** The policy hash as stored (see parsePolicy). */
  policy: Record<string, string>;
};

/** The room's stats, or undefined when the concert has no waiting room. */
export async function readRoomStats(rooms: Rooms, concertId: string): Promise<RoomStats | undefined> {
  const { waiting, shards, shardWaiting, ready, active, counters, policy, preQueued, drawCommitment, drawSeed } = await rooms.stats(concertId);
  if (policy.activeLimit === undefined) return undefined;
  const count = (field: string) => Number(counters[field] ?? 0);
  return {
    waiting,
    shards,
    shardWaiting,
    ready,
    active,
    entered: count('entered'),
    admitted: count('admitted'),
    exited: count('exited'),
    expired: count('expired'),
    completed: count('completed'),
    extended: count('extended'),
    preQueueEntered: count('preQueueEntered'),
    paused: policy.paused === '1',
    activeLimit: Number(policy.activeLimit),
    admitPerSecond: Number(policy.admitPerSecond),
    measuredAdmitPerSecond: policy.measuredRate === undefined ? null : Number(policy.measuredRate),
    preQueued,
    drawCommitment,
    drawSeed,
    policy,
  };
}
