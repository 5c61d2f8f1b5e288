import type { Metrics } from '../shared/metrics.ts';
import type { StreamEvents } from './status-streams.ts';

/**
 * Instance metrics of the status streams (dashboards `sum` them across instances): the limit, how
 * many are open now, and how many were refused, by reason: `entry_limit` (429, the entry has 2 open
 * already) or `instance_limit` (503, QUEUE_STREAM_LIMIT reached: those fans poll instead).
 */
export function createStreamMetrics(metrics: Metrics, limit: number): StreamEvents {
  metrics.gauge('queue_streams_limit', 'Most status streams this instance serves at once (QUEUE_STREAM_LIMIT)').set(limit);
  const open = metrics.gauge('queue_streams_open', 'Status streams (GET /api/v1/queue/events) this instance serves now');
  const opened = metrics.counter('queue_streams_opened_total', 'Status streams this instance started');
  const refused = metrics.counter('queue_streams_refused_total', 'Status streams refused before they started, by reason: entry_limit (429), instance_limit (503)', ['reason']);
  for (const reason of ['entry_limit', 'instance_limit'] as const) refused.inc({ reason }, 0);
  return {
    opened() {
      open.inc();
      opened.inc();
    },
    closed() {
      open.dec();
    },
    refused(reason) {
      refused.inc({ reason });
    },
  };
}
