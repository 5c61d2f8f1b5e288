import type { Share } from '../engine/open-model.ts';

/** `--generator i/n` (i from 1) as a share of the schedule (index from 0); throws on anything else. */
export function parseGenerator(arg: string): Share {
  const match = /^(\d+)\/(\d+)$/.exec(arg.trim());
  const i = Number(match?.[1]);
  const n = Number(match?.[2]);
  if (!match || !(n >= 1) || !(i >= 1 && i <= n)) {
    throw new Error(`--generator takes i/n with 1 ≤ i ≤ n (e.g. 2/3 for the second of three), not "${arg}"`);
  }
  return { index: i - 1, of: n };
}

/** "2/3": how a person names a share. */
export const generatorLabel = (share: Share) => `${share.index + 1}/${share.of}`;

/**
 * A share's own range of user numbers: generator 1 takes the first users of the run, generator
 * 2 the next ones, and so on, so the ranges are disjoint and together number every user of the
 * run from 0. `usersOf` tells how many users a share has (the scenario's arrivals of that share).
 */
export function userRange(share: Share, usersOf: (share: Share) => number): { first: number; count: number } {
  let first = 0;
  for (let index = 0; index < share.index; index++) first += usersOf({ index, of: share.of });
  return { first, count: usersOf(share) };
}
