import { eventually } from '../polling.ts';
import type { PaymentProvider } from './payment-provider.ts';
import { records } from './records.ts';

/** A scenario whose books are read: its concert's records, and its payment provider. */
type Scenario = { concertId(): string; readonly provider: PaymentProvider };

/**
 * The books of the scenario's concert: what the records say was sold and paid, against the money
 * the payment provider kept. Every disagreement, in words ("seat A3 is sold with 0 completed payments").
 */
export async function halfDoneBookings(scenario: Scenario): Promise<string[]> {
  const [concertId, provider] = [scenario.concertId(), scenario.provider];
  const problems = await records.halfDoneBookings(concertId);
  const completed = (await records.payments(concertId)).filter((p) => p.status === 'COMPLETED');
  const kept = await provider.moneyKept();
  const total = (amounts: number[]) => amounts.reduce((sum, n) => sum + n, 0);
  if (kept.length !== completed.length || total(kept.map((c) => c.amount)) !== total(completed.map((p) => p.amount))) {
    problems.push(`the provider kept ${kept.length} charges (${total(kept.map((c) => c.amount))}) but ${completed.length} payments (${total(completed.map((p) => p.amount))}) completed`);
  }
  return problems;
}

/**
 * Looks at the books every second (bounded, 100 s) until they agree. A charge the provider made
 * for a payment whose transaction died is voided by the core service's reconciler once it gives
 * the payment up (PAYMENT_ABANDON_AFTER_MS: 6 s at the managed system's scenario pace, 30 s by
 * default): the books may take a while.
 */
export async function untilNoBookingIsHalfDone(scenario: Scenario): Promise<void> {
  await eventually(() => halfDoneBookings(scenario), (problems) => problems.length === 0, {
    what: 'seats, payments and charges to agree',
    timeoutMs: 100_000,
    intervalMs: 1000,
    describe: (problems) => problems.join('; '),
  });
}
