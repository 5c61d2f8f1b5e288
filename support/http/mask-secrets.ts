import { createHash } from 'node:crypto';
import type { Exchange } from './api-client.ts';

/** Headers whose values grant access. Idempotency-Key is not one: it identifies, it does not authorise. */
const SECRET_HEADERS = new Set(['x-queue-token', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Body fields (at any depth) whose values grant access. */
const SECRET_FIELD = /^(token|.*Token|password|secret|.*Secret|apiKey|api_key|authorization|cookie)$/i;

/**
 * Masks a secret but keeps a short fingerprint, so a reader can still tell that two requests
 * carried the same token (or not) without learning the token.
 */
export function maskValue(value: string): string {
  const fingerprint = createHash('sha256').update(value).digest('hex').slice(0, 8);
  return `***masked:${fingerprint}***`;
}

function maskHeader(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase())) return value;
  // Keep the scheme so "Bearer" vs "Basic" stays readable.
  const scheme = /^(Bearer|Basic|Token)\s+(.+)$/i.exec(value);
  return scheme ? `${scheme[1]} ${maskValue(scheme[2])}` : maskValue(value);
}

function maskHeaders(headers: Record<string, string>, secrets: Set<string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => {
      const masked = maskHeader(name, value);
      if (masked !== value) collectSecret(value, secrets);
      return [name, masked];
    }),
  );
}

function collectSecret(value: string, secrets: Set<string>): void {
  secrets.add(value);
  const scheme = /^(?:Bearer|Basic|Token)\s+(.+)$/i.exec(value);
  if (scheme) secrets.add(scheme[1]);
}

function maskFields(value: unknown, secrets: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => maskFields(item, secrets));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => {
      if (SECRET_FIELD.test(key) && typeof field === 'string' && field !== '') {
        collectSecret(field, secrets);
        return [key, maskValue(field)];
      }
      return [key, maskFields(field, secrets)];
    }),
  );
}

function maskBody(body: unknown, secrets: Set<string>): unknown {
  return typeof body === 'string' ? maskJsonText(body, secrets) : maskFields(body, secrets);
}

/** A raw body that happens to be JSON is masked like a parsed one; anything else stays as sent. */
function maskJsonText(text: string, secrets: Set<string>): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (parsed === null || typeof parsed !== 'object') return text;
  return JSON.stringify(maskFields(parsed, secrets));
}

/** Replaces every known secret wherever it still appears: error messages, URLs, raw bodies. */
function scrub(value: unknown, secrets: Set<string>): unknown {
  if (typeof value === 'string') {
    let text = value;
    for (const secret of secrets) if (secret.length >= 6) text = text.split(secret).join(maskValue(secret));
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, scrub(field, secrets)]));
}

function maskUrl(url: string, secrets: Set<string>): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      collectSecret(decodeURIComponent(parsed.password), secrets);
      parsed.password = maskValue(decodeURIComponent(parsed.password));
    }
    for (const [key, value] of parsed.searchParams) {
      if (SECRET_FIELD.test(key)) {
        collectSecret(value, secrets);
        parsed.searchParams.set(key, maskValue(value));
      }
    }
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * A copy of the exchanges that is safe to put in a report: queue tokens, bearer tokens and
 * other secrets are masked in headers, bodies and URLs, and `extraSecrets` (the admin token,
 * say) is masked wherever it appears. The originals are left untouched.
 */
export function maskExchanges(exchanges: readonly Exchange[], extraSecrets: readonly string[] = []): Exchange[] {
  const secrets = new Set(extraSecrets.filter(Boolean));
  const masked = exchanges.map((exchange) => ({
    ...exchange,
    url: maskUrl(exchange.url, secrets),
    requestHeaders: maskHeaders(exchange.requestHeaders, secrets),
    requestBody: maskBody(exchange.requestBody, secrets),
    responseHeaders: maskHeaders(exchange.responseHeaders, secrets),
    body: maskBody(exchange.body, secrets),
  }));
  // Second pass: a token seen in one exchange may be echoed in another's free text.
  return masked.map((exchange) => scrub(exchange, secrets) as Exchange);
}
