import { isDeepStrictEqual } from 'node:util';
import { eventually, poll } from '../polling.ts';
import type { Fan } from './fan.ts';

/**
 * Where a group of fans stands, in the form steps compare: "Ann WAITING 3", "Ben READY null",
 * or "Cat 410 TOKEN_EXPIRED" when her check is refused (a refusal is a wrong place, never an
 * error that hides the others). The fans are asked one after another, in the order given.
 */
export async function placesOf(fans: readonly Fan[], options: { through?: number } = {}): Promise<string[]> {
  const seen: string[] = [];
  for (const fan of fans) {
    const answer = await fan.status(options);
    seen.push(`${fan} ${answer.succeeded ? `${answer.value.status} ${answer.value.position}` : answer}`);
  }
  return seen;
}

/** `fans` waiting one behind another from position `first` on: "Ann WAITING 1", "Ben WAITING 2", … */
export function waitingInOrder(fans: readonly Fan[], first = 1): string[] {
  return fans.map((fan, i) => `${fan} WAITING ${first + i}`);
}

/** Asks the fans their places (bounded) until they are `expected`; fails with what they were told last. */
export async function untilPlacesAre(
  fans: readonly Fan[],
  expected: readonly string[],
  options: { what: string; through?: number; timeoutMs: number; intervalMs?: number },
): Promise<void> {
  await eventually(() => placesOf(fans, { through: options.through }), (seen) => isDeepStrictEqual(seen, expected), {
    what: options.what,
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs,
    describe: (seen) => seen.join(', '),
  });
}

/** Each fan's position as her latest entry told it, and as she is told now (a refusal fails). */
export async function placesSinceEntry(fans: readonly Fan[]): Promise<{ fan: Fan; told: number | null; now: number | null }[]> {
  const places = [];
  for (const fan of fans) places.push({ fan, told: fan.lastEntry().position, now: (await fan.status()).value.position });
  return places;
}

/**
 * Checks every 100 ms which of `fans` are no longer WAITING, and how many seconds after `since`:
 * until all are, or more than `most(seconds)` are (too many, too soon), or `timeoutMs` passes.
 * `done` is false only at the deadline.
 */
export async function watchLettingIn(
  fans: readonly Fan[],
  options: { since: number; most: (seconds: number) => number; timeoutMs: number },
): Promise<{ letIn: Fan[]; seconds: number; done: boolean }> {
  const { value, done } = await poll(
    async () => {
      const letIn: Fan[] = [];
      for (const fan of fans) if ((await fan.status()).value.status !== 'WAITING') letIn.push(fan);
      return { letIn, seconds: (Date.now() - options.since) / 1000 };
    },
    ({ letIn, seconds }) => letIn.length > options.most(seconds) || letIn.length === fans.length,
    { what: 'every fan to be let in', timeoutMs: options.timeoutMs, intervalMs: 100 },
  );
  return { ...value, done };
}

/**
 * Opens `streams` status streams on queue server `server`, all fans at once: each enters there and
 * follows her place twice (the most one place may have), the last one once if `streams` is odd.
 */
export async function followTwiceEach(fans: readonly Fan[], server: number, streams: number): Promise<void> {
  await Promise.all(
    fans.map(async (fan, i) => {
      (await fan.enter({ through: server })).value;
      for (let n = 0; n < Math.min(2, streams - 2 * i); n++) (await fan.followPlace({ through: server })).value;
    }),
  );
}

/**
 * Lets each fan leave as soon as she is let in, until all were (bounded): how admission went.
 * Before every look at the fans `inAtOnce` says how many are let in or shopping. Each look goes
 * from the last fan to the first: once one was seen let in, every fan who arrived before her,
 * looked at after, must be let in too (or gone), since she could not be let in while any of them
 * still waited; `overtaken` names the first who was not.
 */
export async function leaveOnceLetIn(
  fans: readonly Fan[],
  options: { inAtOnce: () => Promise<number>; timeoutMs: number },
): Promise<{ busiest: number; overtaken: string | null; neverLetIn: Fan[] }> {
  const left = new Set<Fan>();
  let busiest = 0;
  let overtaken: string | null = null;
  await poll(
    async () => {
      busiest = Math.max(busiest, await options.inAtOnce());
      let laterLetIn: Fan | undefined;
      for (const fan of [...fans].reverse()) {
        if (left.has(fan)) continue;
        const place = (await fan.status()).value;
        if (place.status === 'WAITING') {
          if (laterLetIn) overtaken ??= `${fan} still waited when ${laterLetIn}, who arrived after her, was let in`;
          continue;
        }
        laterLetIn ??= fan;
        (await fan.leave()).value;
        left.add(fan);
      }
      return left.size;
    },
    (count) => count === fans.length || overtaken !== null,
    { what: 'every fan to be let in', timeoutMs: options.timeoutMs, intervalMs: 100 },
  );
  return { busiest, overtaken, neverLetIn: fans.filter((fan) => !left.has(fan)) };
}
