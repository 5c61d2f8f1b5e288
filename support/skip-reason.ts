import type { IWorld } from '@cucumber/cucumber';

/**
 * File name of the attachment that says why a scenario skipped itself. The Markdown summary
 * (scripts/report/) looks for it, so a skip is listed with its reason instead of silently.
 */
export const SKIP_REASON_FILE = 'skip-reason.txt';

/** Attaches why the scenario skips itself ("Skipped: <reason>"); a step returns what this returns. */
export function skipScenario(world: Pick<IWorld, 'attach'>, reason: string): 'skipped' {
  world.attach(`Skipped: ${reason}`, { mediaType: 'text/plain', fileName: SKIP_REASON_FILE });
  return 'skipped';
}
