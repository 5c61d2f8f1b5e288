import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ArrivalResult } from '../engine/open-model.ts';
import type { RecorderSnapshot } from '../metrics/recorder.ts';
import type { Figure, StatusWay } from '../scenario.ts';

export const GENERATOR_FORMAT = 'ticket-rush load generator 1';

/**
 * What one generator of a run on several (`--generator i/n`) writes, and `npm run load:merge`
 * reads: enough to tell which run it belongs to and to merge it with the others without
 * asking anything else. Times are wall-clock (ISO, or ms since the epoch).
 */
export type GeneratorFile = {
  format: typeof GENERATOR_FORMAT;
  scenario: string;
  variant: 'full' | 'smoke';
  /** Generator i of n (i from 1), as `--generator i/n` named it. */
  generator: { i: number; n: number };
  /** Shared by the run's generators: its concert ids and user ids carry it. */
  runId: string;
  /** `--start-at`: when every generator's timeline began (needs the generators' clocks in step). */
  startLine: string;
  /** This generator's part of every arrival rate: arrivals i-1, i-1+n, i-1+2n, … of each phase's schedule. */
  rateShare: number;
  /** Its users, numbered `first` … `first + count - 1` (user ids `<runId>-u<number>`). */
  users: { first: number; count: number };
  /** What the merge must not mix: runs with other values are different runs. */
  options: { scale: number; timeScale: number; status: StatusWay; gate: 'seed' | 'targets' };
  http: { connections: number; pipelining: number; timeoutMs: number };
  git: { commit: string; branch: string };
  machine: { hostname: string; cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  /** The target as this generator reached it (URLs only, no secrets). */
  target: { kind: string; coreUrl: string; queueUrls: string[] };
  startedAt: string;
  endedAt: string;
  /** Histograms (HDR, encoded) per step and per second, distributions, counters, errors, probes. */
  recorded: RecorderSnapshot;
  phases: Record<string, ArrivalResult>;
  figures: Record<string, Figure>;
  notes: string[];
  /** This process's CPU from the start line to its end (ms), and per request it made (µs). */
  cpu: { cpuMs: number; percentOfOneCore: number; microsPerRequest: number };
  /** What the scenario's checks need of this generator's fans (scenario-specific JSON). */
  fans: unknown;
  /** Why the generator stopped early, if it did. */
  error?: string;
};

/** reports/load/generators/<scenario>[-smoke]-<i>-of-<n>.json */
export function generatorFilePath(reportDir: string, file: Pick<GeneratorFile, 'scenario' | 'variant' | 'generator'>): string {
  const name = `${file.scenario}${file.variant === 'smoke' ? '-smoke' : ''}-${file.generator.i}-of-${file.generator.n}.json`;
  return path.join(reportDir, 'generators', name);
}

export function writeGeneratorFile(file: string, content: GeneratorFile): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(content));
}

export function readGeneratorFile(file: string): GeneratorFile {
  let content: Partial<GeneratorFile>;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not readable as JSON (${(error as Error).message})`);
  }
  if (content?.format !== GENERATOR_FORMAT) {
    throw new Error(`${file}: not a generator file of this version (format "${String(content?.format)}", expected "${GENERATOR_FORMAT}")`);
  }
  return content as GeneratorFile;
}
