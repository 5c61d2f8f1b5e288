import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { RunResults, ScenarioStatus } from './scenario-results.ts';

/**
 * The results of one run, reduced to what a later run is compared with. Every run writes its
 * own as reports/results.json; reports/baseline.json is a committed copy of a good one, and CI
 * compares pull requests with the results.json of the last run on main.
 */
export type ResultsFile = {
  schema: 1;
  commit: string;
  branch: string;
  createdAt: string;
  /** True when the run was filtered (--tags, --name, paths): it says nothing about the rest. */
  partial: boolean;
  scenarios: Record<string, { status: ScenarioStatus; durationMs: number; flaky: boolean }>;
};

export function toResultsFile(results: RunResults, run: { commit: string; branch: string }): ResultsFile {
  const sorted = [...results.scenarios].sort((a, b) => a.key.localeCompare(b.key));
  return {
    schema: 1,
    commit: run.commit,
    branch: run.branch,
    createdAt: new Date().toISOString(),
    partial: results.notRun.length > 0,
    scenarios: Object.fromEntries(
      sorted.map((s) => [s.key, { status: s.status, durationMs: Math.round(s.durationMs), flaky: s.flaky }]),
    ),
  };
}

export function writeResultsFile(file: string, results: ResultsFile): void {
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

/** The baseline at `file`, or undefined when there is none; a malformed file is an error. */
export function readResultsFile(file: string): ResultsFile | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ResultsFile>;
  if (parsed.schema !== 1 || typeof parsed.scenarios !== 'object' || parsed.scenarios === null) {
    throw new Error(`${file} is not a results file (schema 1 with "scenarios"); refresh it with "npm run report:baseline"`);
  }
  return parsed as ResultsFile;
}
