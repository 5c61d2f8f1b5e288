import { parsePrometheus } from '../../support/prometheus.ts';

/**
 * The fairness cost of a sharded room's admission cut (reference-system/waiting-room/sharded-admission.ts):
 * how far apart the shards' cuts of each admission run were, from every queue instance's
 * `queue_admission_cut_spread_seconds` histogram. Fans stamped in that gap wait for the next run.
 */
export type CutSpread = { runs: number; meanUs: number | null; p50UpToUs: number | null; p99UpToUs: number | null; maxBucketUs: number | null };

export async function readCutSpread(queueUrls: string[]): Promise<CutSpread> {
  const buckets = new Map<number, number>();
  let sum = 0;
  let count = 0;
  for (const url of queueUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const s of parsePrometheus(text)) {
      if (s.name === 'queue_admission_cut_spread_seconds_sum') sum += s.value;
      else if (s.name === 'queue_admission_cut_spread_seconds_count') count += s.value;
      else if (s.name === 'queue_admission_cut_spread_seconds_bucket') {
        const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
        buckets.set(le, (buckets.get(le) ?? 0) + s.value);
      }
    }
  }
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  // Cumulative buckets: the smallest bound holding at least a share q of the runs.
  const upTo = (q: number) => {
    const bound = bounds.find((b) => (buckets.get(b) ?? 0) >= q * count);
    return bound === undefined || !Number.isFinite(bound) ? null : Math.round(bound * 1e6);
  };
  const lastUsed = bounds.find((b) => (buckets.get(b) ?? 0) >= count);
  return {
    runs: count,
    meanUs: count ? Math.round((sum / count) * 1e6) : null,
    p50UpToUs: count ? upTo(0.5) : null,
    p99UpToUs: count ? upTo(0.99) : null,
    maxBucketUs: count && lastUsed !== undefined && Number.isFinite(lastUsed) ? Math.round(lastUsed * 1e6) : null,
  };
}
