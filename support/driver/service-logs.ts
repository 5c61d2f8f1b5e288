import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../polling.ts';
import { target } from '../target.ts';

/**
 * The services' own logs, as an operator reads them: every `*.log` file of the target's log
 * folder (a managed run's reports/logs/). Only `@service-logs` scenarios read them.
 */
export const serviceLogs = {
  read(): string {
    if (!target.logDir) throw new Error("E2E_LOG_DIR is not set: the services' logs cannot be read");
    return readdirSync(target.logDir)
      .filter((file) => file.endsWith('.log'))
      .map((file) => readFileSync(path.join(target.logDir, file), 'utf8'))
      .join('\n');
  },
  /** The logs once they mention `text` (bounded, 10 s): a service writes its lines a little after the fact. */
  readOnceTheyMention(text: string, what = text): Promise<string> {
    return eventually(async () => serviceLogs.read(), (logs) => logs.includes(text), {
      what: `the service logs to mention ${what}`,
      timeoutMs: 10_000,
      describe: (logs) => `${logs.length} characters, none about ${what}`,
    });
  },
  adminToken: () => target.adminToken,
};
