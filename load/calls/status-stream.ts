import { Agent, request, type Dispatcher } from 'undici';
import { errorCode, parseOrText } from '../engine/http.ts';
import type { Recorder } from '../metrics/recorder.ts';
import type { StatusReply } from './queue-calls.ts';

/** What a status stream carries: a `status` event (the JSON GET /status gives) or a heartbeat. */
export type StreamMessage = { kind: 'status'; body: StatusReply | { error: { code: string } } } | { kind: 'heartbeat' };

/** The generator's client for status streams: the server closes each stream's connection, and a stream is silent up to 15 s. */
export const streamAgent = () => new Agent({ keepAliveTimeout: 1_000, bodyTimeout: 0 });

/**
 * Opens a fan's status stream (GET /api/v1/queue/events). `messages` is there when the server
 * answered 200 and yields every event until the server ends the stream; leaving the loop closes
 * it, and `signal` aborting makes the loop throw. With `timing`, the time to the response head
 * (the first status event comes with it) is a request of that step, a refusal or transport
 * failure its error.
 */
export async function openStatusStream(
  agent: Dispatcher,
  origin: string,
  token: string,
  options: { signal?: AbortSignal; timing?: { recorder: Recorder; step: string } } = {},
): Promise<{ statusCode: number; messages?: AsyncGenerator<StreamMessage> }> {
  const { signal, timing } = options;
  const started = performance.now();
  let res: Dispatcher.ResponseData;
  try {
    res = await request(`${origin}/api/v1/queue/events`, { headers: { 'x-queue-token': token }, dispatcher: agent, signal });
  } catch (error) {
    timing?.recorder.request(timing.step, undefined, (error as { code?: string }).code ?? (error as Error).name ?? 'ERROR');
    return { statusCode: 0 };
  }
  const latencyMs = performance.now() - started;
  if (res.statusCode !== 200) {
    const text = await res.body.text().catch(() => '');
    timing?.recorder.request(timing.step, latencyMs, `${res.statusCode} ${errorCode(parseOrText(text))}`);
    return { statusCode: res.statusCode };
  }
  timing?.recorder.request(timing.step, latencyMs);
  return { statusCode: 200, messages: messagesOf(res.body) };
}

/** Server-Sent Events blocks (separated by a blank line) as status events and heartbeats (comment lines). */
async function* messagesOf(body: AsyncIterable<Uint8Array>): AsyncGenerator<StreamMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      if (data) yield { kind: 'status', body: JSON.parse(data.slice('data: '.length)) };
      else if (block.startsWith(':')) yield { kind: 'heartbeat' };
    }
  }
}

