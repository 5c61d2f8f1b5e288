import { Agent, request } from 'undici';

export type Exchange = {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  /** 0: no answer (refused or reset connection, or no answer within the timeout). */
  status: number;
  responseHeaders: Record<string, string>;
  body: unknown;
  startedAt: number;
  durationMs: number;
};

export type SendOptions = {
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, as JSON content: for requests that are not valid JSON on purpose. */
  rawBody?: string;
  /** How long to wait for an answer before giving up with status 0; default 15 s. */
  timeoutMs?: number;
  /** Traffic generators send thousands: they keep their own tally instead of the transcript. */
  record?: boolean;
};

/** One keep-alive pool per worker; scenarios make many short requests. */
const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });

/**
 * The suite's one HTTP client: JSON over undici. It never throws for a failed request: no
 * answer is status 0, so a fault scenario records what a fan saw whatever the infrastructure
 * did. Every exchange is recorded (unless told not to), so a failed step can attach the
 * requests and answers that led to it.
 */
export class ApiClient {
  readonly exchanges: Exchange[] = [];

  async send(method: string, url: string, options: SendOptions = {}): Promise<Exchange> {
    const headers: Record<string, string> = { ...options.headers };
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const startedAt = Date.now();
    const started = performance.now();
    let status = 0;
    let responseHeaders: Record<string, string> = {};
    let body: unknown;
    try {
      const res = await request(url, {
        method: method as 'GET',
        headers,
        body: payload,
        dispatcher: agent,
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      const text = await res.body.text();
      status = res.statusCode;
      responseHeaders = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
      body = text;
      if (text && String(res.headers['content-type'] ?? '').includes('json')) body = parseJson(text);
    } catch (error) {
      body = `no answer: ${(error as Error).message}`;
    }
    const exchange: Exchange = {
      method,
      url,
      requestHeaders: headers,
      requestBody: options.body ?? options.rawBody,
      status,
      responseHeaders,
      body,
      startedAt,
      durationMs: performance.now() - started,
    };
    if (options.record !== false) this.exchanges.push(exchange);
    return exchange;
  }
}

/** A body that says it is JSON but is not stays text: the schema check then names the problem. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
