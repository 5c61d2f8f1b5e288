import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ResultsFile } from './baseline.ts';

/** reports/history/ keeps this many runs; older files are deleted when a run is recorded. */
export const HISTORY_CAP = 50;

/**
 * One run in reports/history/: its results file (status, duration and flakiness per scenario)
 * plus what the Trends view shows about the run itself. On CI the folder travels from run to
 * run inside the reports artifact of the last default-branch run (scripts/ci/last-usable-run.sh).
 */
export type HistoryEntry = ResultsFile & {
  run: {
    startedAt: string;
    node: string;
    target: 'containers' | 'external';
    /**
     * What makes two runs' durations comparable (comparable-runs.ts): how a managed target's
     * services ran, the kind of machine, and cucumber's workers. Entries written before these
     * were recorded lack them, and their durations are compared with no run's.
     */
    system?: 'containers' | 'process';
    runnerClass?: string;
    workers?: number;
    wallTimeMs?: number;
    /** Cucumber's own verdict, before the gate. */
    exitCode?: number;
    cucumberArgs?: string[];
    /** The CI run that made it, when there was one. */
    ciRunUrl?: string;
  };
  gate: { passed: boolean; reasons: string[] };
};

/** Sortable by name, one per run: start time and commit. */
export function historyFileName(entry: Pick<HistoryEntry, 'commit' | 'run'>): string {
  return `${entry.run.startedAt.replace(/[:.]/g, '-')}-${entry.commit.slice(0, 12).replace(/[^\w-]/g, '_')}.json`;
}

/** The runs kept in `dir`, oldest first. A file that is not a history entry is left out, not fatal. */
export function readHistory(dir: string): HistoryEntry[] {
  return readEntries(dir).map(({ entry }) => entry);
}

function readEntries(dir: string): { file: string; entry: HistoryEntry }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const entries: { file: string; entry: HistoryEntry }[] = [];
  for (const name of names) {
    try {
      const entry = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Partial<HistoryEntry>;
      if (entry.schema === 1 && entry.scenarios && typeof entry.run?.startedAt === 'string') {
        entries.push({ file: path.join(dir, name), entry: entry as HistoryEntry });
      }
    } catch {
      // A truncated file (a killed run) says nothing about the others.
    }
  }
  return entries.sort((a, b) => a.entry.run.startedAt.localeCompare(b.entry.run.startedAt));
}

/**
 * Writes `entry` into `dir` (replacing the same run's earlier file: re-rendering a run does not
 * add it twice), deletes all but the newest `cap` runs and returns what is kept, oldest first.
 */
export function recordRun(dir: string, entry: HistoryEntry, cap = HISTORY_CAP): HistoryEntry[] {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, historyFileName(entry)), `${JSON.stringify(entry, null, 2)}\n`);
  const kept = readEntries(dir);
  for (const old of kept.splice(0, Math.max(0, kept.length - cap))) rmSync(old.file, { force: true });
  return kept.map(({ entry }) => entry);
}

/** This CI run's page, from GitHub Actions' environment. */
export function ciRunUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}
