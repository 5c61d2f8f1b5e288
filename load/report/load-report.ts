import type { ArrivalResult } from '../engine/open-model.ts';
import type { LatencySummary } from '../metrics/latency.ts';
import type { StepSecond } from '../metrics/recorder.ts';
import type { Figure, Threshold } from '../scenario.ts';

/** Everything one scenario run produced: written as JSON, rendered as table and HTML. */
export type LoadReport = {
  scenario: string;
  variant: 'full' | 'smoke';
  summary: string;
  startedAt: string;
  durationS: number;
  git: { commit: string; branch: string };
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  /** `shards`: --shards; `redisCluster`: "3 masters + 3 replicas" for a managed target. */
  target: { kind: string; queueInstances: number; serviceEnv: Record<string, string>; shards?: number; redisCluster?: string };
  /** CPU of the generator (this process) and, when managed, of each service process. */
  /** `microsPerRequest`: CPU µs per request the generator made, a contention-robust cost figure. */
  cpu: { name: string; cpuMs: number; percentOfOneCore: number; microsPerRequest: number }[];
  phases: Record<string, ArrivalResult>;
  steps: Record<string, LatencySummary & { requests: number; errors: number }>;
  errorsByCode: Record<string, number>;
  counters: Record<string, number>;
  distributions: Record<string, LatencySummary>;
  figures: Record<string, Figure>;
  thresholds: Threshold[];
  notes: string[];
  /** Did every `seed` threshold pass (and every `target` one, under --gate=targets)? */
  passed: boolean;
  gate: 'seed' | 'targets';
  error?: string;
  series: { t: number[]; probes: Record<string, number[]>; steps: Record<string, StepSecond[]> };
  /** A run merged from several generators' files (npm run load:merge): who drove which users. */
  generators?: {
    generator: string;
    hostname: string;
    users: { first: number; count: number };
    requests: number;
    startedAt: string;
    endedAt: string;
    file: string;
  }[];
};
