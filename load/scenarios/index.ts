import type { Scenario } from '../scenario.ts';
import { entryScale } from './entry-scale.ts';

/** Every scenario `npm run load -- <name>` knows, in the order `all` runs them. */
export const scenarios: Scenario[] = [entryScale];

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((s) => s.name === name);
}
