/**
 * The suite's reports, written by cucumber itself so a plain `npx cucumber-js` run has them:
 * this formatter writes cucumber's JSON (reports/json/cucumber.json, which the HTML report is
 * made from) and, once the run is over, reports/run.json, results.json, history/, summary.md
 * and html/; then it scans every report and service log for secrets. It is the run's one gate:
 * besides cucumber's own verdict, the run fails on each reason the gate finds (a new failure,
 * a scenario too often flaky, a duration regression: scripts/report/gate.ts), on a report that
 * cannot be rendered and on a secret found: a gate whose report is broken or leaking must not
 * look green.
 *
 * One shard of a sharded run (`--shard 2/3`) is not a whole run: it writes its shard output
 * (scripts/report/shard-output.ts) instead, with no history entry and no gate verdict, and
 * exits with cucumber's verdict on its own scenarios (or 1 on a leaked secret).
 * `npm run report:merge` makes the whole run of the shards.
 *
 * Listed in cucumber.js as `./scripts/e2e/report-formatter.ts:reports/json/cucumber.json`.
 */
import { JsonFormatter, type IFormatterOptions } from '@cucumber/cucumber';
import type { Envelope } from '@cucumber/messages';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderReports } from '../report/render-reports.ts';
import { writeShardMetadata, writeShardOutput } from '../report/shard-output.ts';
import { isFailing } from '../report/regression-diff.ts';
import { scenarioResults } from '../report/scenario-results.ts';
import { scanForSecrets } from '../secret-scan.ts';
import { shardLabel, type DealtShard } from '../../environment/cucumber-shard.ts';
import type { RunMetadata } from '../../environment/run-metadata.ts';
import { currentSession, log, REPORTS, ROOT, type Session } from '../../environment/run-session.ts';

export default class ReportFormatter extends JsonFormatter {
  static override readonly documentation =
    'cucumber JSON, then the run metadata, history, regression summary and HTML report; fails the run on a gate reason or a leaked secret';

  private readonly envelopes: Envelope[] = [];
  /** The cucumber JSON as written to this formatter's output, kept for a shard's output. */
  private readonly json: string[];

  constructor(options: IFormatterOptions) {
    const json: string[] = [];
    const log = (chunk: string | Uint8Array) => {
      json.push(chunk.toString());
      options.log(chunk);
    };
    super({ ...options, log });
    this.json = json;
    options.eventBroadcaster.on('envelope', (envelope: Envelope) => this.envelopes.push(envelope));
  }

  override async finished(): Promise<void> {
    await super.finished(); // cucumber.json is complete on disk now
    const session = currentSession();
    // A dry run (or a run whose coordinator hook never started) has nothing to report.
    if (!session) return;
    const success = this.envelopes.find((e) => e.testRunFinished)?.testRunFinished?.success ?? false;
    const meta: RunMetadata = { ...session.meta, wallTimeMs: Date.now() - session.startedAt, exitCode: success ? 0 : 1 };
    writeFileSync(path.join(REPORTS, 'run.json'), JSON.stringify(meta, null, 2));
    if (meta.shard) {
      this.finishShard({ ...meta, shard: meta.shard }, session);
      return;
    }
    try {
      const rendered = await renderReports(REPORTS, { envelopes: this.envelopes });
      log(`summary: ${path.relative(ROOT, rendered.summaryPath)}; HTML report: ${rendered.htmlPath ? path.relative(ROOT, rendered.htmlPath) : 'none'}`);
      log(`history: ${rendered.history.length} run(s) in ${path.relative(ROOT, path.join(REPORTS, 'history'))}/`);
      if (rendered.verdict.passed) log('gate: passed');
      for (const reason of rendered.verdict.reasons) failTheRun(`gate: ${reason}`);
    } catch (error) {
      failTheRun(`rendering the reports failed: ${(error as Error).stack}`);
    }
    // Reports and logs are shared as CI artefacts: a leaked admin token or queue token fails the run.
    for (const leak of scanForSecrets(REPORTS, session.secrets)) {
      failTheRun(`SECRET IN OUTPUT: ${leak.what} in ${path.relative(ROOT, leak.file)}:${leak.line}`);
    }
  }

  /** One shard: its output for the merge, its secret scan, and cucumber's verdict as its exit code. */
  private finishShard(meta: RunMetadata & { shard: DealtShard }, session: Session): void {
    const label = shardLabel(meta.shard);
    let dir: string;
    try {
      dir = writeShardOutput(REPORTS, { meta, envelopes: this.envelopes, cucumberJson: this.json.join(''), logsDir: path.join(REPORTS, 'logs') });
    } catch (error) {
      failTheRun(`shard ${label}: writing its output failed: ${(error as Error).stack}`);
      return;
    }
    // Its own output only: another shard's folder beside it is that shard's to answer for.
    const leaks = scanForSecrets(dir, session.secrets);
    for (const leak of leaks) failTheRun(`SECRET IN OUTPUT: ${leak.what} in ${path.relative(ROOT, leak.file)}:${leak.line}`);
    if (leaks.length) {
      meta.secretLeaks = leaks.map((leak) => ({ ...leak, file: path.relative(dir, leak.file) }));
      writeShardMetadata(dir, meta);
    }
    const { scenarios } = scenarioResults(this.envelopes);
    const failed = scenarios.filter((s) => isFailing(s.status)).length;
    log(`shard ${label}: ${scenarios.length} scenario(s) ran, ${failed} failed; its output: ${path.relative(process.cwd(), dir)}/`);
    log(`shard ${label}: no history entry and no gate verdict of its own; once every shard has run: npm run report:merge ${path.relative(process.cwd(), path.dirname(dir))}/*`);
  }
}

/**
 * Cucumber decides its exit code from the scenarios and hooks before formatters finish; this
 * makes the process exit non-zero all the same (an 'exit' listener may still set exitCode).
 */
function failTheRun(reason: string): void {
  log(reason);
  process.once('exit', () => {
    process.exitCode = 1;
  });
}
