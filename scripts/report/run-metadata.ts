import { execFileSync } from 'node:child_process';

/** What the report header shows about a run; written to reports/run.json by the e2e runner. */
export type RunMetadata = {
  commit: string;
  branch: string;
  node: string;
  target: 'containers' | 'external';
  redisImage?: string;
  postgresImage?: string;
  postgresVersion?: string;
  cluster?: { masters: number; replicas: number; nodes: number };
  queueInstances: number;
  workers: number;
  startedAt: string;
  wallTimeMs?: number;
  exitCode?: number;
};

export function gitInfo(): { commit: string; branch: string } {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    commit: process.env.GITHUB_SHA || git('rev-parse', '--short=12', 'HEAD'),
    branch: process.env.GITHUB_HEAD_REF || process.env.GITHUB_REF_NAME || git('rev-parse', '--abbrev-ref', 'HEAD'),
  };
}
