/**
 * The shape of every answer the suite reads, as docs/api.md gives it. Each answer is checked
 * once, where it arrives (support/driver/answer.ts); from then on steps read typed values and
 * never cast. Unknown fields are allowed: the contract says clients ignore them.
 */
import { z } from 'zod';

const instant = z.iso.datetime();
const count = z.number().int().min(0);
const entryStatus = z.enum(['PRE_QUEUE', 'WAITING', 'READY', 'ACTIVE']);
const policy = z.object({
  activeLimit: z.number().int(),
  admitPerSecond: z.number().int(),
  readyTtlSeconds: z.number().int(),
  activeIdleSeconds: z.number().int(),
  holdSeconds: z.number().int(),
  sessionSeconds: z.number().int(),
  maxExtensions: z.number().int(),
  preQueueOpensAt: instant.nullable(),
  saleStartsAt: instant.nullable(),
  shards: z.number().int().min(1).max(16),
});

export const schemas = {
  // The contract (docs/api.md): every refusal names its code and says in words what went wrong.
  error: z.object({ error: z.object({ code: z.string().min(1), message: z.string().min(1) }) }),

  entry: z.object({
    status: entryStatus,
    token: z.string().min(1),
    position: z.number().int().min(1).nullable(),
    totalWaiting: count,
    // null only in the pre-queue, which also says when the sale starts
    estimatedWaitSeconds: z.number().min(0).nullable(),
    saleStartsAt: instant.optional(),
    pollAfterMs: z.number().int().min(0),
  }),
  status: z.object({
    status: entryStatus,
    position: z.number().int().min(1).nullable(),
    totalWaiting: count,
    estimatedWaitSeconds: z.number().min(0).nullable(),
    saleStartsAt: instant.optional(),
    expiresAt: instant.nullable(),
    pollAfterMs: z.number().int().min(0),
  }),
  queueNotOpen: z.object({ error: z.object({ code: z.literal('QUEUE_NOT_OPEN') }), opensAt: instant }),
  activation: z.object({ status: z.literal('ACTIVE'), expiresAt: instant }),
  /** A status stream that started: the events it has pushed so far (each checked as `status` when read). */
  statusEvents: z.array(z.object({ event: z.string(), data: z.string(), at: z.number() })),
  extension: z.object({ status: z.literal('ACTIVE'), expiresAt: instant, extensionsLeft: count }),
  nothing: z.unknown(),

  seats: z.object({
    concertId: z.string(),
    seats: z.array(
      z.object({ seatId: z.string(), label: z.string(), price: count, status: z.enum(['AVAILABLE', 'HELD', 'SOLD']) }),
    ),
  }),
  reservation: z.object({
    reservationId: z.string(),
    seatId: z.string(),
    status: z.enum(['HELD', 'CONFIRMED', 'CANCELLED', 'EXPIRED']),
    amount: count,
    expiresAt: instant,
  }),
  payment: z.object({ paymentId: z.string(), reservationId: z.string(), status: z.literal('COMPLETED'), amount: count }),

  concert: z.object({ concertId: z.string(), seatCount: z.number().int().min(1), price: count }),
  policy,
  stats: z.object({
    waiting: count,
    shards: z.number().int().min(1),
    shardWaiting: z.array(count),
    ready: count,
    active: count,
    entered: count,
    exited: count,
    expired: count,
    completed: count,
    admitted: count,
    // This implementation's additions (docs/queue.md); a target without them is not judged by them.
    extended: count.optional(),
    preQueueEntered: count.optional(),
    paused: z.boolean(),
    measuredAdmitPerSecond: z.number().nullable(),
    preQueued: count,
    drawCommitment: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
    drawSeed: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
    policy,
  }),
  health: z.object({ status: z.string() }),
  metrics: z.string(),

  charges: z.object({
    charges: z.array(
      z.object({ chargeId: z.string(), reference: z.string(), amount: z.number(), status: z.enum(['APPROVED', 'DECLINED', 'ERROR', 'VOIDED']) }),
    ),
    voids: z.array(z.object({ chargeId: z.string(), reference: z.string(), outcome: z.string() })),
  }),
  behaviour: z.object({ mode: z.string() }),

  infraState: z.object({
    queueInstances: z.array(z.object({ instance: z.number().int(), running: z.boolean() })),
    redisNodesDown: z.array(z.string()),
  }),
  slotOwner: z.object({ slot: z.number().int(), nodeId: z.string(), node: z.string(), failing: z.boolean().optional() }),
  replicationCut: z.object({ slot: z.number().int(), node: z.string(), replica: z.string() }),
  promotersStalled: z.object({ concertId: z.string(), stalled: z.literal(true) }),
  restored: z.object({}).loose(),
  restarted: z.object({ acceptingAfterMs: z.number() }),
  restoredAll: z.object({ restoredAfterMs: z.number() }),
  networkFault: z.object({ service: z.string(), peer: z.string(), fault: z.string() }),
  silencedReplica: z.object({ slot: z.number().int(), nodeId: z.string(), node: z.string(), replica: z.string() }),
  shardKey: z.object({ key: z.string().min(1), fans: z.number().int().min(0) }),
  stalledBatch: z.object({ planned: z.number().int().min(1), takenOffOneShard: z.array(z.string()).min(1), leaseMs: z.number().int() }),
};


export type EntryView = z.infer<typeof schemas.entry>;
export type StatusView = z.infer<typeof schemas.status>;
export type ExtensionView = z.infer<typeof schemas.extension>;
export type SeatsView = z.infer<typeof schemas.seats>;
export type SeatView = z.infer<typeof schemas.seats>['seats'][number];
export type ReservationView = z.infer<typeof schemas.reservation>;
export type PaymentView = z.infer<typeof schemas.payment>;
export type Policy = z.infer<typeof schemas.policy>;
export type QueueStats = z.infer<typeof schemas.stats>;
export type Charge = z.infer<typeof schemas.charges>['charges'][number];
export type SlotOwner = z.infer<typeof schemas.slotOwner>;
