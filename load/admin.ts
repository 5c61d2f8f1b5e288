import type { LoadHttp } from './engine/http.ts';
import type { LoadTarget } from './target.ts';

/**
 * Admin calls that set the stage for a scenario. They throw: a scenario cannot run on a
 * stage it failed to set.
 */
export function adminClient(http: LoadHttp, target: LoadTarget) {
  const auth = { authorization: `Bearer ${target.adminToken}` };
  const must = async (what: string, reply: Promise<{ status: number; body: unknown }>) => {
    const r = await reply;
    if (r.status < 200 || r.status >= 300) throw new Error(`${what} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const queue = target.queueUrls[0];
  return {
    createConcert(concertId: string, seatCount: number, price = 5000) {
      return must(
        `creating concert ${concertId}`,
        http.call('admin', target.coreUrl, {
          method: 'POST',
          path: '/admin/concerts',
          headers: auth,
          body: { concertId, name: `load test ${concertId}`, seatCount, price },
          expect: [201],
          json: true,
        }),
      );
    },
    /**
     * The same concert for every generator of a run: each sets the stage, and whoever comes
     * second finds it made (409 CONCERT_EXISTS; the core leaves the room's settings as they are).
     */
    async createSharedConcert(concertId: string, seatCount: number, price = 5000) {
      const r = await http.call('admin', target.coreUrl, {
        method: 'POST',
        path: '/admin/concerts',
        headers: auth,
        body: { concertId, name: `load test ${concertId}`, seatCount, price },
        expect: [201, 409],
        json: true,
      });
      const code = (r.body as { error?: { code?: string } } | undefined)?.error?.code;
      if (r.status !== 201 && !(r.status === 409 && code === 'CONCERT_EXISTS')) {
        throw new Error(`creating concert ${concertId} failed: ${r.status} ${JSON.stringify(r.body)}`);
      }
    },
    setPolicy(concertId: string, policy: Record<string, number | string | null>) {
      return must(
        `setting the queue policy of ${concertId}`,
        http.call('admin', queue, { method: 'PUT', path: `/admin/concerts/${concertId}/queue-policy`, headers: auth, body: policy, expect: [200], json: true }),
      );
    },
    pause(concertId: string) {
      return must(`pausing ${concertId}`, http.call('admin', queue, { method: 'POST', path: `/admin/concerts/${concertId}/queue/pause`, headers: auth, expect: [204] }));
    },
    resume(concertId: string) {
      return must(`resuming ${concertId}`, http.call('admin', queue, { method: 'POST', path: `/admin/concerts/${concertId}/queue/resume`, headers: auth, expect: [204] }));
    },
    async stats(concertId: string): Promise<QueueStats> {
      return (await must(
        `reading queue stats of ${concertId}`,
        http.call('admin', queue, { method: 'GET', path: `/admin/concerts/${concertId}/queue`, headers: auth, expect: [200], json: true }),
      )) as QueueStats;
    },
    gatewayBehavior(mode: 'approve' | 'decline' | 'timeout' | 'error', delayMs = 0, gatewayUrl = target.gatewayUrl) {
      return must(
        'steering the payment gateway',
        http.call('admin', gatewayUrl, { method: 'PUT', path: '/__control/behavior', body: { mode, delayMs }, expect: [200, 204] }),
      );
    },
  };
}

export type QueueStats = {
  waiting: number;
  ready: number;
  active: number;
  entered: number;
  exited: number;
  expired: number;
  completed: number;
  admitted: number;
  /** A scheduled sale's pre-queue, its draw's commitment and (once started) seed. */
  preQueued?: number;
  drawCommitment?: string | null;
  drawSeed?: string | null;
};
