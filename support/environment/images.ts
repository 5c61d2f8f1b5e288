/** Image names, overridable for machines without a registry (see scripts/offline-images.sh). */
export const images = {
  redis: process.env.E2E_REDIS_IMAGE || 'redis:7.2-alpine',
  postgres: process.env.E2E_POSTGRES_IMAGE || 'postgres:15-alpine',
};

/** Every container and network of one run carries this label, for cleanup without Ryuk. */
export const RUN_LABEL = 'ticket-rush.run';
/** Pid of the process that started the run; a later run removes what a dead one left behind. */
export const OWNER_PID_LABEL = 'ticket-rush.owner-pid';
