import { Pool } from 'undici';
import type { Recorder } from '../metrics/recorder.ts';

export type HttpOptions = {
  /** Sockets per origin: enough that requests rarely wait for a free one in the client. */
  connections: number;
  /** Requests in flight per socket; 1 = no pipelining (no head-of-line blocking in latency). */
  pipelining: number;
  /** Bounds every request, socket wait included, so a stuck server cannot keep a run alive. */
  timeoutMs: number;
};

export type Reply = { status: number; body: any; latencyMs: number };

type Call = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Statuses that are a normal outcome of this step; anything else is counted as an error. */
  expect: readonly number[];
  /** Parse the JSON body of an expected reply (error bodies are always read for their code). */
  json?: boolean;
};

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The generator's HTTP client: one undici Pool per origin, keep-alive, every call timed into
 * the recorder under a step name. Never throws for HTTP or transport failures: the reply has
 * status 0 for a transport error, and the recorder has counted it.
 */
export class LoadHttp {
  private readonly pools = new Map<string, Pool>();

  private readonly recorder: Recorder;
  private readonly options: HttpOptions;

  constructor(recorder: Recorder, options: HttpOptions) {
    this.recorder = recorder;
    this.options = options;
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connections,
        pipelining: this.options.pipelining,
        keepAliveTimeout: 30_000,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        connectTimeout: Math.min(this.options.timeoutMs, 5_000),
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async call(step: string, origin: string, call: Call): Promise<Reply> {
    const headers = call.body === undefined ? call.headers : { ...JSON_HEADERS, ...call.headers };
    const started = performance.now();
    try {
      const res = await this.send(origin, call.method, call.path, headers, call.body === undefined ? undefined : JSON.stringify(call.body));
      const ok = call.expect.includes(res.status);
      let body: any;
      if (!ok) body = parseOrText(res.text());
      else if (call.json) body = JSON.parse(res.text());
      const latencyMs = performance.now() - started;
      this.recorder.request(step, latencyMs, ok ? undefined : `${res.status} ${errorCode(body)}`);
      return { status: res.status, body, latencyMs };
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).name ?? 'ERROR';
      this.recorder.request(step, undefined, code);
      return { status: 0, body: undefined, latencyMs: performance.now() - started };
    }
  }

  /**
   * One request through undici's dispatch API: callbacks instead of the stream objects
   * `request()` builds per response, so the generator spends less CPU per request (it shares
   * the cores with the system it measures). The deadline covers the whole request, including
   * waiting for a free socket in the pool: under overload a request fails after `timeoutMs`
   * instead of queueing in the client for minutes; one still queued is never sent.
   */
  private send(origin: string, method: Call['method'], path: string, headers: Record<string, string> | undefined, body: string | undefined) {
    return new Promise<{ status: number; text: () => string }>((resolve, reject) => {
      let status = 0;
      let controller: { abort(reason: Error): void } | undefined;
      let expired: Error | undefined;
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => {
        expired = Object.assign(new Error(`no response within ${this.options.timeoutMs} ms`), { code: 'REQUEST_TIMEOUT' });
        controller?.abort(expired);
        reject(expired);
      }, this.options.timeoutMs);
      this.pool(origin).dispatch(
        { method, path, headers, body },
        {
          onRequestStart: (c) => {
            controller = c;
            if (expired) c.abort(expired);
          },
          onResponseStart: (_c, statusCode) => {
            status = statusCode;
          },
          onResponseData: (_c, chunk) => {
            chunks.push(chunk);
          },
          onResponseEnd: () => {
            clearTimeout(timer);
            resolve({ status, text: () => Buffer.concat(chunks).toString('utf8') });
          },
          onResponseError: (_c, error) => {
            clearTimeout(timer);
            reject(error);
          },
        },
      );
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}

export function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The contract's `{"error": {"code"}}`, or a marker for a body that is not one. */
export function errorCode(body: unknown): string {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : 'NO_ERROR_CODE';
}
