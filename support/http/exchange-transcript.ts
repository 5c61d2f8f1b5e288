import type { Exchange } from './api-client.ts';

const MAX_BODY_CHARS = 4_000;

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparsable URL)';
  }
}

function bodyText(body: unknown): string {
  if (body === undefined || body === '') return '(no body)';
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}\n… (${text.length - MAX_BODY_CHARS} more characters)` : text;
}

function headerLines(prefix: string, headers: Record<string, string>): string[] {
  return Object.entries(headers).map(([name, value]) => `${prefix} ${name}: ${value}`);
}

/**
 * A curl-like, human-readable transcript of (already masked) exchanges, oldest first, for the
 * report: request line, headers, body, then status and response body.
 */
export function formatTranscript(exchanges: readonly Exchange[]): string {
  return exchanges
    .map((exchange, index) => {
      const lines = [
        `#${index + 1} ${exchange.method} ${pathOf(exchange.url)} → ${exchange.status} (${Math.round(exchange.durationMs)} ms)`,
        `   on ${originOf(exchange.url)}`,
        ...headerLines('>', exchange.requestHeaders),
        ...(exchange.requestBody === undefined ? [] : bodyText(exchange.requestBody).split('\n').map((line) => `> ${line}`)),
        `< ${exchange.status}`,
        ...headerLines('<', pickResponseHeaders(exchange.responseHeaders)),
        ...bodyText(exchange.body).split('\n').map((line) => `< ${line}`),
      ];
      return lines.join('\n');
    })
    .join('\n\n');
}

/** Transport noise (date, keep-alive, content-length) hides what matters in a failure. */
function pickResponseHeaders(headers: Record<string, string>): Record<string, string> {
  const interesting = /^(content-type|location|retry-after|x-queue-token|x-request-id|x-instance|set-cookie)$/i;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => interesting.test(name)));
}
