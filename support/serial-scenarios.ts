import type { Pickle } from '@cucumber/messages';

/** Scenarios that touch global state (kill Redis nodes, restart PostgreSQL, pause every queue). */
export const SERIAL_TAG = '@serial';

const isSerial = (pickle: Pickle) => pickle.tags.some((tag) => tag.name === SERIAL_TAG);

/**
 * Whether `candidate` may start while `running` are in progress: a @serial scenario runs
 * alone, and nothing starts beside one. Cucumber's own atMostOnePicklePerTag helper only keeps
 * two @serial scenarios apart; here a killed Redis node must not hit any other scenario either.
 */
export function mayRunAlongside(candidate: Pickle, running: readonly Pickle[]): boolean {
  if (running.length === 0) return true;
  return !isSerial(candidate) && !running.some(isSerial);
}
