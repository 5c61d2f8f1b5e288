/**
 * File name of the attachment that says why a scenario skipped itself. The Markdown summary
 * (scripts/report/) looks for it, so a skip is listed with its reason instead of silently.
 */
export const SKIP_REASON_FILE = 'skip-reason.txt';
