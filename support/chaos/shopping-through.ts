import { eventually } from '../polling.ts';
import type { Fan } from '../driver/fan.ts';

/**
 * Shoppers looking at the seats (a box-office call on their turn), every one of them in each
 * round, while `probe` is asked (bounded) until `done` accepts its answer: what the shoppers
 * were refused meanwhile, and how many rounds they shopped.
 */
export async function shopUntil<T>(shoppers: readonly Fan[], probe: () => Promise<T>, done: (value: T) => boolean, options: { what: string; timeoutMs: number; describe: (value: T) => string }) {
  const refused: string[] = [];
  let rounds = 0;
  const value = await eventually(
    async () => {
      for (const fan of shoppers) {
        const seats = await fan.seats();
        if (!seats.succeeded) refused.push(`${fan}: ${seats}`);
      }
      rounds++;
      return probe();
    },
    done,
    options,
  );
  return { value, refused, rounds };
}
