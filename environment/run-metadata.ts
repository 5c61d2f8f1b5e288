import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { DealtShard, Shard } from './cucumber-shard.ts';

/** What the report header shows about a run; written to reports/run.json by the e2e runner. */
export type RunMetadata = {
  commit: string;
  branch: string;
  node: string;
  /** The kind of machine it ran on (runnerClass()): only runs of one class compare their durations. */
  runnerClass?: string;
  target: 'containers' | 'external';
  redisImage?: string;
  postgresImage?: string;
  postgresVersion?: string;
  cluster?: { masters: number; replicas: number; nodes: number };
  queueInstances: number;
  /** How a managed target's reference system ran: its images in containers, or child processes. */
  system?: 'containers' | 'process';
  /** Containers mode: per service, the image and its id, and whether it was built, reused or given. */
  serviceImages?: Record<string, { image: string; id: string; origin: string }>;
  /** Where the suite ran against, for an external target (no secrets: URLs only). */
  coreUrl?: string;
  workers: number;
  /** Extra cucumber arguments (`npm run e2e -- --tags @smoke`). */
  cucumberArgs?: string[];
  startedAt: string;
  wallTimeMs?: number;
  exitCode?: number;
  /**
   * One shard of a sharded run (`npx cucumber-js --shard 2/3`): its output goes to
   * reports/shards/2-of-3/ and it has no history entry or gate verdict of its own.
   */
  shard?: DealtShard;
  /** Where it ran: the CI runner's name, else the host name. */
  host?: string;
  /** A shard's secret scan of its own output: what leaked where in it (never the value). The merged run fails on any. */
  secretLeaks?: { what: string; file: string; line: number }[];
  /** A merged run (`npm run report:merge`): each shard, in index order. Its wall time is the longest shard's. */
  shards?: ShardRecord[];
};

/** One shard of a merged run, as the summary and the report list it. */
export type ShardRecord = Shard & {
  startedAt: string;
  wallTimeMs?: number;
  /** Cucumber's own verdict of the shard (its scenarios and hooks). */
  exitCode?: number;
  node: string;
  workers: number;
  host?: string;
  /** Scenario keys (scripts/report/scenario-results.ts) it ran. */
  scenarios: string[];
};

/** The metadata of the last run (reports/run.json), if it wrote one. */
export function readRunMetadata(file: string): RunMetadata | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as RunMetadata;
}

/**
 * The kind of machine a run ran on, for comparing durations only between runs of one kind:
 * E2E_RUNNER_CLASS when set (CI names its runner type, say "github-ubuntu-24.04-4cpu"), else
 * the CPU count, the CPU model and the memory, e.g. "2 × Intel(R) Xeon(R) Processor, 23 GiB".
 */
export function runnerClass(env: NodeJS.ProcessEnv = process.env): string {
  const named = env.E2E_RUNNER_CLASS?.trim();
  if (named) return named;
  const model = (os.cpus()[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return `${os.availableParallelism()} × ${model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}

export function gitInfo(): { commit: string; branch: string } {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    // On a pull request GITHUB_SHA is GitHub's merge commit; the workflow passes the head commit.
    commit: process.env.E2E_COMMIT || process.env.GITHUB_SHA || git('rev-parse', '--short=12', 'HEAD'),
    branch: process.env.GITHUB_HEAD_REF || process.env.GITHUB_REF_NAME || git('rev-parse', '--abbrev-ref', 'HEAD'),
  };
}

/** "containers: queue ticket-rush/queue:src-… (sha256:…, reused), …" or "child processes". */
export function systemLine(meta: RunMetadata): string {
  if (meta.system === 'process') return 'child processes of the checkout (E2E_SYSTEM=process)';
  if (!meta.serviceImages) return 'n/a';
  const images = Object.entries(meta.serviceImages).map(([kind, i]) => `${kind} ${i.image} (${i.id.replace(/^sha256:/, '').slice(0, 12)}, ${i.origin})`);
  return `containers: ${images.join('; ')}`;
}
