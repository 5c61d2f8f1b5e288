import { randomUUID } from 'node:crypto';

/** Image names, overridable for machines without a registry (see scripts/offline-images.sh). */
export const images = {
  redis: process.env.E2E_REDIS_IMAGE || 'redis:7.2-alpine',
  postgres: process.env.E2E_POSTGRES_IMAGE || 'postgres:15-alpine',
};

/**
 * Every container of one run carries these labels, for cleanup without Ryuk: the run id (one
 * per process), and the pid of the process, so a later run can remove what a killed one left.
 * Testcontainers' own session id is not used: with Ryuk it is shared by concurrent runs.
 */
export const RUN_LABEL = 'ticket-rush.run';
export const OWNER_PID_LABEL = 'ticket-rush.owner-pid';
export const RUN_ID = randomUUID();

export const runLabels = (): Record<string, string> => ({ [RUN_LABEL]: RUN_ID, [OWNER_PID_LABEL]: String(process.pid) });
