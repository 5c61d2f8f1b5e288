import type { Scenario } from '../scenario.ts';
import { booking } from './booking.ts';
import { circulation } from './circulation.ts';
import { coreCapacity } from './core-capacity.ts';
import { enterCapacity } from './enter-capacity.ts';
import { enterLatency } from './enter-latency.ts';
import { entryScale } from './entry-scale.ts';
import { saleOpening } from './sale-opening.ts';
import { seatRush } from './seat-rush.ts';
import { waitingFans } from './waiting-fans.ts';

/** Every scenario `npm run load -- <name>` knows, in the order `all` runs them. */
export const scenarios: Scenario[] = [entryScale, enterLatency, enterCapacity, circulation, seatRush, coreCapacity, booking, waitingFans, saleOpening];

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}
