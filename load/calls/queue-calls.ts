import type { LoadHttp, Reply } from '../engine/http.ts';

/** The queue service's public calls as load steps; each step name is a row of the report. */
export type EntryReply = { status: string; token: string; position: number | null; totalWaiting: number };
export type StatusReply = { status: string; position: number | null };

/** `suffix` marks the steps of a second system in one report, e.g. " (B)". */
export function queueCalls(http: LoadHttp, suffix = '') {
  const tokenHeader = (token: string) => ({ 'x-queue-token': token });
  return {
    enter(origin: string, concertId: string, userId: string, expect: readonly number[] = [201], step = `enter${suffix}`): Promise<Reply> {
      return http.call(step, origin, { method: 'POST', path: '/api/v1/queue/enter', body: { concertId, userId }, expect, json: true });
    },
    status(origin: string, token: string, step = `poll${suffix}`): Promise<Reply> {
      return http.call(step, origin, { method: 'GET', path: '/api/v1/queue/status', headers: tokenHeader(token), expect: [200], json: true });
    },
    activate(origin: string, token: string): Promise<Reply> {
      return http.call(`activate${suffix}`, origin, { method: 'POST', path: '/api/v1/queue/activate', headers: tokenHeader(token), expect: [200], json: true });
    },
    exit(origin: string, token: string): Promise<Reply> {
      return http.call(`exit${suffix}`, origin, { method: 'DELETE', path: '/api/v1/queue/token', headers: tokenHeader(token), expect: [204] });
    },
  };
}

/** Users are spread over the queue instances the way a round-robin load balancer would. */
export const instanceFor = (urls: string[], index: number) => urls[index % urls.length];
