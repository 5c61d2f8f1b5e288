/**
 * One JSON line per event on stdout. Callers never pass tokens or secrets; `redact` masks
 * anything that looks like a queue token should one slip into a message anyway.
 */
// Dots as they are or percent-encoded: a token in a URL's query (the status stream's `token=`).
const TOKEN_LIKE = /v1(?:\.|%2[Ee])[A-Za-z0-9_-]{8,}(?:\.|%2[Ee])[A-Za-z0-9_-]{8,}/g;

export function redact(text: string): string {
  return text.replace(TOKEN_LIKE, 'v1.***');
}

export type Logger = {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
};

export function createLogger(service: string, quiet = process.env.LOG_LEVEL === 'silent'): Logger {
  const write = (level: string, event: string, fields: Record<string, unknown> = {}) => {
    if (quiet && level === 'info') return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, service, event, ...fields });
    process.stdout.write(redact(line) + '\n');
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}
