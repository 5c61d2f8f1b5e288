import { faultCall } from '../../environment/faults/routes.ts';

/**
 * Every HTTP route the suite calls, in one place: the contract of docs/api.md (queue, core,
 * admin, the payment gateway stub) and the runner's fault-injection server (whose table,
 * environment/faults/routes.ts, its server serves too). Actors (support/driver/*.ts) build their
 * requests from these; no step or other module spells a path.
 */
const id = encodeURIComponent;

export const routes = {
  queue: {
    enter: () => ['POST', '/api/v1/queue/enter'] as const,
    status: () => ['GET', '/api/v1/queue/status'] as const,
    /** With `token`, it travels in the address, as a browser's EventSource must send it. */
    events: (token?: string) => ['GET', token === undefined ? '/api/v1/queue/events' : `/api/v1/queue/events?token=${id(token)}`] as const,
    activate: () => ['POST', '/api/v1/queue/activate'] as const,
    leave: () => ['DELETE', '/api/v1/queue/token'] as const,
    extend: () => ['POST', '/api/v1/queue/extend'] as const,
  },
  core: {
    seats: (concertId: string) => ['GET', `/api/v1/concerts/${id(concertId)}/seats`] as const,
    reserve: () => ['POST', '/api/v1/reservations'] as const,
    reservation: (reservationId: string) => ['GET', `/api/v1/reservations/${id(reservationId)}`] as const,
    pay: () => ['POST', '/api/v1/payments'] as const,
  },
  admin: {
    createConcert: () => ['POST', '/admin/concerts'] as const,
    queuePolicy: (concertId: string) => ['PUT', `/admin/concerts/${id(concertId)}/queue-policy`] as const,
    pause: (concertId: string) => ['POST', `/admin/concerts/${id(concertId)}/queue/pause`] as const,
    resume: (concertId: string) => ['POST', `/admin/concerts/${id(concertId)}/queue/resume`] as const,
    queueStats: (concertId: string) => ['GET', `/admin/concerts/${id(concertId)}/queue`] as const,
  },
  operations: {
    health: (probe: 'live' | 'ready') => ['GET', `/health/${probe}`] as const,
    metrics: () => ['GET', '/metrics'] as const,
  },
  gateway: {
    behaviour: () => ['PUT', '/__control/behavior'] as const,
    charges: (referencePrefix: string) => ['GET', `/__control/charges?referencePrefix=${id(referencePrefix)}`] as const,
  },
  /** The runner's fault-injection server: its one route table, shared with the server. */
  infrastructure: {
    state: () => faultCall('state'),
    killQueueServer: (server: number) => faultCall('killQueueServer', { instance: server }),
    startQueueServer: (server: number) => faultCall('startQueueServer', { instance: server }),
    redisOwner: () => faultCall('redisOwner'),
    killRedisOwner: () => faultCall('killRedisOwner'),
    silenceReplica: () => faultCall('silenceReplica'),
    restoreRedis: () => faultCall('restoreRedis'),
    cutRedisReplication: () => faultCall('cutRedisReplication'),
    stallPromoters: () => faultCall('stallPromoters'),
    loneShardKey: (concertId: string) => faultCall('loneShardKey', { concertId }),
    shardClockAhead: (concertId: string) => faultCall('shardClockAhead', { concertId }),
    stallAdmission: (concertId: string) => faultCall('stallAdmission', { concertId }),
    restartPostgres: () => faultCall('restartPostgres'),
    restoreAll: () => faultCall('restoreAll'),
    faultNetwork: (service: string) => faultCall('faultNetwork', { service }),
    restoreNetwork: () => faultCall('restoreNetwork'),
  },
};

export type Route = readonly [method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string];
