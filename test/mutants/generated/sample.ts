/** A seeded uniform sample, and the Wilson score interval of a proportion. */

/** mulberry32: a small, well-mixed 32-bit generator, so a seed gives the same sample anywhere. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` items of `all` drawn without replacement, each subset equally likely (a partial
 * Fisher–Yates shuffle), in the order they were drawn: every prefix of the answer is itself a
 * uniform sample, so a run cut short still measured a uniform sample.
 */
export function sample<T>(all: readonly T[], n: number, seed: number): T[] {
  const next = random(seed);
  const index = all.map((_, i) => i);
  const take = Math.min(n, all.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(next() * (index.length - i));
    [index[i], index[j]] = [index[j], index[i]];
  }
  return index.slice(0, take).map((i) => all[i]);
}

/** The Wilson score interval of `successes` out of `n` (z = 1.96: 95 %). */
export function wilson(successes: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
