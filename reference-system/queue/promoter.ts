import type { Cluster } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import { OPEN_ROOMS_KEY } from '../shared/queue-keys.ts';
import type { QueueScripts } from '../shared/queue-scripts.ts';

export type PromoterOptions = {
  intervalMs: number;
  /** Most entries one script run expires or admits: keeps each run well under ~5 ms. */
  batch: number;
};

/**
 * Every instance runs a promoter; each step is one atomic script per concert, so concurrent
 * promoters never admit twice or beyond capacity, and no leader is needed.
 */
export function startPromoter(deps: { redis: Cluster; scripts: QueueScripts; logger: Logger }, options: PromoterOptions) {
  const { redis, scripts, logger } = deps;
  let running = false;

  const step = async () => {
    if (running) return;
    running = true;
    try {
      const rooms = await redis.smembers(OPEN_ROOMS_KEY);
      await Promise.all(
        rooms.map(async (concertId) => {
          const [admitted, expired] = await scripts.run('promote', concertId, options.batch);
          if (Number(admitted) || Number(expired)) logger.info('promoted', { concertId, admitted, expired });
        }),
      );
    } catch (error) {
      logger.warn('promoter_step_failed', { cause: (error as Error).message });
    } finally {
      running = false;
    }
  };

  const timer = setInterval(step, options.intervalMs);
  return { step, stop: () => clearInterval(timer) };
}
