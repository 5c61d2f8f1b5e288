import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printReport } from './console-report.ts';
import { renderLoadHtml } from './html-report.ts';
import type { LoadReport } from './load-report.ts';

/**
 * reports/load/<scenario>[-smoke][-stream][-<label>]: where a run's report goes, without the
 * extension.
 */
export function reportBase(
  reportDir: string,
  scenario: { name: string; followsStatus?: boolean },
  options: { smoke: boolean; status: string; shards?: number; variantLabel?: string },
): string {
  const stream = scenario.followsStatus && options.status === 'stream' ? '-stream' : '';
  const shards = (options.shards ?? 1) > 1 ? `-shards${options.shards}` : '';
  const label = options.variantLabel ? `-${options.variantLabel}` : '';
  return path.join(reportDir, `${scenario.name}${options.smoke ? '-smoke' : ''}${stream}${shards}${label}`);
}

/** The report as JSON and HTML at `base`.{json,html}, and as tables on the console. */
export function writeReport(report: LoadReport, base: string, log: (line: string) => void): void {
  mkdirSync(path.dirname(base), { recursive: true });
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2));
  writeFileSync(`${base}.html`, renderLoadHtml(report));
  printReport(report);
  log(`report: ${path.relative(process.cwd(), base)}.{json,html}`);
}

/** The machine a generator runs on, for the report's header. */
export function machineOf(): LoadReport['machine'] {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}
