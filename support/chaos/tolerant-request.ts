import { request, type Dispatcher } from 'undici';

export type TolerantAnswer = { status: number; body: any; startedAt: number; durationMs: number };

/**
 * A request as fault scenarios make it: it never throws. No answer (timeout, refused or reset
 * connection) is status 0; a body that is not JSON is `undefined`. What a fan saw is recorded,
 * whatever the infrastructure was doing.
 */
export async function tolerantRequest(
  method: 'GET' | 'POST',
  url: string,
  options: { headers: Record<string, string>; body?: unknown; timeoutMs: number; dispatcher?: Dispatcher },
): Promise<TolerantAnswer> {
  const startedAt = Date.now();
  const { headers, body, timeoutMs, dispatcher } = options;
  try {
    const res = await request(url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, body: parsed, startedAt, durationMs: Date.now() - startedAt };
  } catch {
    return { status: 0, body: undefined, startedAt, durationMs: Date.now() - startedAt };
  }
}
