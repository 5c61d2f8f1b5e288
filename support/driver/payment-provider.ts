import { target } from '../target.ts';
import { routes } from './routes.ts';
import { schemas, type Charge } from './schemas.ts';
import { call, type Stage } from './stage.ts';

export type ProviderMode = 'approve' | 'decline' | 'timeout' | 'error';

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

  #prefix(concert?: string): string {
    return `${this.#stage.concertId(concert)}/`;
  }
}

function gatewayUrl(): string {
  if (!target.gatewayUrl) throw new Error('E2E_GATEWAY_URL is not set: payment scenarios need the gateway stub (see docs/operations.md)');
  return target.gatewayUrl;
}
