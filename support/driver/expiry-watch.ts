import type { IWorld } from '@cucumber/cucumber';
import { poll } from '../polling.ts';
import { skipScenario } from '../skip-reason.ts';
import { target } from '../target.ts';
import type { Fan } from './fan.ts';
import type { Operator } from './operator.ts';

/** Both clocks are this machine's: a deadline and a sending differ by their ms rounding at most. */
export const CLOCK_GRAIN_MS = 2;

/**
 * The bound the contract puts on expiry with nobody calling: one promoter interval, as the queue
 * servers publish it. Undefined, with the scenario skipped and why, where it cannot be measured:
 * a target that does not publish it, or whose clock is not this machine's (a deadline is the
 * room's clock, the moment we look ours).
 */
export async function measurableExpiryBound(world: Pick<IWorld, 'attach'> & { operator: Operator }): Promise<number | undefined> {
  const remote = target.queueUrls.filter((url) => !['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname));
  if (remote.length) return void skipScenario(world, `lateness is measured against the room's clock, and ${remote.join(', ')} may not keep this machine's`);
  const intervalMs = await world.operator.promoterIntervalMs();
  if (intervalMs === undefined) return void skipScenario(world, 'the queue servers do not publish their promoter interval (queue_promoter_interval_seconds)');
  return intervalMs;
}

/** How late a fan's unused turn was ended after its deadline, at least (ms). */
export type Lateness = { fan: Fan; deadline: string; lateMs: number };

/**
 * Watches fans let in one after another (a room that lets one in at a time) lose their unused
 * turns with nobody asking: each fan is asked her place only until she is let in, to learn her
 * deadline, long before it; then only the operator's statistics are read (every 20 ms), which
 * expire nothing. A turn counted expired by a reading was ended after the previous reading was
 * sent, so `lateMs` = that sending − the deadline is how late the background duty was, at least.
 * Bounded: the fans' deadlines and 10 s more. Deadlines are the room's clock, sendings ours: the
 * same clock when the target runs on this machine.
 */
export async function watchUnusedTurnsEnd(fans: readonly Fan[], operator: Operator): Promise<Lateness[]> {
  const deadlines = new Map<Fan, string>();
  const late: Lateness[] = [];
  let previousSentAt = Date.now();
  let expired = (await operator.stats()).value.expired;
  const { done } = await poll(
    async () => {
      const sentAt = Date.now();
      const now = (await operator.stats()).value.expired;
      for (; expired < now; expired++) {
        const fan = fans[late.length];
        const deadline = deadlines.get(fan);
        if (!deadline) throw new Error(`${fan}'s turn ended before she was seen let in`);
        late.push({ fan, deadline, lateMs: previousSentAt - Date.parse(deadline) });
      }
      previousSentAt = sentAt;
      const next = fans[late.length];
      if (next && !deadlines.has(next)) {
        const place = (await next.status()).value;
        if (place.status === 'READY' && place.expiresAt) deadlines.set(next, place.expiresAt);
      }
      return late.length;
    },
    (ended) => ended === fans.length,
    { what: 'every unused turn to end', timeoutMs: fans.length * 2_000 + 10_000, intervalMs: 20 },
  );
  if (!done) throw new Error(`only ${late.length} of ${fans.length} unused turns ended in time; deadlines: ${[...deadlines.values()].join(', ')}`);
  return late;
}
