import { eventually } from '../polling.ts';
import { target } from '../target.ts';
import { routes } from './routes.ts';
import { schemas, type Charge } from './schemas.ts';
import { call, type Stage } from './stage.ts';

export type ProviderMode = 'approve' | 'decline' | 'timeout' | 'error';

/**
 * How long core waits for the provider (its PAYMENT_TIMEOUT_MS, 2 s by default). Steering the
 * provider to be slow picks delays on either side of it.
 */
const CORE_PAYMENT_TIMEOUT_MS = Number(process.env.E2E_PAYMENT_TIMEOUT_MS ?? 2_000);

/**
 * The payment provider: the gateway stub, steered and inspected for this scenario's concert only.
 * Core charges under the reference "<concertId>/<paymentId>", so the prefix "<concertId>/"
 * scopes behaviour and charge lists to one scenario while others run in parallel.
 */
export class PaymentProvider {
  readonly #stage: Stage;

  constructor(stage: Stage) {
    this.#stage = stage;
  }

  async behave(mode: ProviderMode, options: { delayMs?: number; concert?: string } = {}): Promise<void> {
    const answer = await call(this.#stage, `steering the payment provider to ${mode}`, gatewayUrl(), routes.gateway.behaviour(), schemas.behaviour, {
      body: { mode, delayMs: options.delayMs, referencePrefix: this.#prefix(options.concert) },
    });
    if (!answer.succeeded) throw new Error(`the payment provider could not be steered to ${mode}: ${answer}`);
  }

  /** It still charges, but answers a second after core has given up waiting: that late charge must be found and voided. */
  answerAfterCoreGivesUp(): Promise<void> {
    return this.behave('timeout', { delayMs: CORE_PAYMENT_TIMEOUT_MS + 1_000 });
  }

  /** Approves half a second after a hold of `holdSeconds` has run out, still before core gives up waiting. */
  async answerAfterHoldRunsOut(holdSeconds: number): Promise<void> {
    const delayMs = holdSeconds * 1_000 + 500;
    if (delayMs >= CORE_PAYMENT_TIMEOUT_MS) throw new Error(`a ${delayMs} ms answer comes after core gives up on it (${CORE_PAYMENT_TIMEOUT_MS} ms)`);
    await this.behave('approve', { delayMs });
  }

  /** Every charge made for the concert, and every void. */
  async charges(concert?: string): Promise<{ charges: Charge[]; voids: { chargeId: string; outcome: string }[] }> {
    const answer = await call(this.#stage, "reading the payment provider's charges", gatewayUrl(), routes.gateway.charges(this.#prefix(concert)), schemas.charges, {
      asLatest: false,
    });
    return answer.value;
  }

  /** Charges the provider approved and kept (not voided): money actually taken. */
  async moneyKept(concert?: string): Promise<Charge[]> {
    return (await this.charges(concert)).charges.filter((charge) => charge.status === 'APPROVED');
  }

  /** Reads the concert's charges every 200 ms (bounded, 15 s) until one is voided and none is kept approved; the voided ones. */
  async waitUntilLateChargeVoided(): Promise<Charge[]> {
    const { charges } = await eventually(
      () => this.charges(),
      (seen) => seen.charges.some((c) => c.status === 'VOIDED') && !seen.charges.some((c) => c.status === 'APPROVED'),
      { what: 'the late charge to be voided', timeoutMs: 15_000, intervalMs: 200, describe: (seen) => seen.charges.map((c) => c.status).join(', ') || 'no charge' },
    );
    return charges.filter((c) => c.status === 'VOIDED');
  }

  #prefix(concert?: string): string {
    return `${this.#stage.concertId(concert)}/`;
  }
}

function gatewayUrl(): string {
  if (!target.gatewayUrl) throw new Error('E2E_GATEWAY_URL is not set: payment scenarios need the gateway stub (see docs/operations.md)');
  return target.gatewayUrl;
}
