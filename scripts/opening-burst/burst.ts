import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';

export type BurstResult = { fans: number; statuses: Record<string, number>; errors: string[]; wallMs: number; slowestMs: number };

/**
 * A sale's first second: one new concert, then `fans` fans entering it in the same instant,
 * spread over every queue instance, each on a connection of its own (as many browsers are).
 * What a fan is promised is a 2xx; anything else is counted by status with its error code.
 */
export async function openingBurst(target: { coreUrl: string; queueUrls: string[]; adminToken: string }, fans = 1000): Promise<BurstResult> {
  const agent = new Agent({ connections: fans, pipelining: 0 });
  try {
    const concertId = `burst-${randomBytes(4).toString('hex')}`;
    const created = await request(`${target.coreUrl}/admin/concerts`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${target.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ concertId, name: 'opening burst', seatCount: 10, price: 100 }),
    });
    await created.body.dump();
    if (created.statusCode !== 201) throw new Error(`creating the concert answered ${created.statusCode}`);

    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: fans }, async (_, i) => {
        const sent = performance.now();
        const res = await request(`${target.queueUrls[i % target.queueUrls.length]}/api/v1/queue/enter`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ concertId, userId: `fan-${i}` }),
        });
        const body = (await res.body.json()) as { error?: { code: string; message: string } };
        return { status: res.statusCode, error: body.error, ms: performance.now() - sent };
      }),
    );
    const statuses: Record<string, number> = {};
    for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    return {
      fans,
      statuses,
      errors: [...new Set(answers.filter((a) => a.error).map((a) => `${a.status} ${a.error!.code}: ${a.error!.message}`))],
      wallMs: Math.round(performance.now() - started),
      slowestMs: Math.round(Math.max(...answers.map((a) => a.ms))),
    };
  } finally {
    await agent.close();
  }
}

export const allSucceeded = (result: BurstResult) => Object.keys(result.statuses).every((status) => status.startsWith('2'));
