import { Agent, request } from 'undici';

export type Exchange = {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  status: number;
  responseHeaders: Record<string, string>;
  body: unknown;
  durationMs: number;
};

/** One keep-alive pool per worker; scenarios make many short requests. */
const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000, headersTimeout: 15_000, bodyTimeout: 15_000 });

/**
 * A thin JSON-over-HTTP client that records every exchange, so a failed step can attach the
 * request and response that broke it.
 */
export class ApiClient {
  readonly exchanges: Exchange[] = [];

  async send(
    method: string,
    url: string,
    options: { headers?: Record<string, string>; body?: unknown; rawBody?: string } = {},
  ): Promise<Exchange> {
    const headers: Record<string, string> = { ...options.headers };
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const started = performance.now();
    const res = await request(url, { method: method as 'GET', headers, body: payload, dispatcher: agent });
    const text = await res.body.text();
    let body: unknown = text;
    if (text && String(res.headers['content-type'] ?? '').includes('json')) body = JSON.parse(text);
    const exchange: Exchange = {
      method,
      url,
      requestHeaders: headers,
      requestBody: options.body ?? options.rawBody,
      status: res.statusCode,
      responseHeaders: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
      body,
      durationMs: performance.now() - started,
    };
    this.exchanges.push(exchange);
    return exchange;
  }
}
