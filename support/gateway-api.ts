import type { ApiClient } from './http/api-client.ts';
import { target } from './target.ts';

export type GatewayMode = 'approve' | 'decline' | 'timeout' | 'error';
export type GatewayCharge = { chargeId: string; reference: string; amount: number; status: 'APPROVED' | 'DECLINED' | 'ERROR' | 'VOIDED' };
export type GatewayVoid = { chargeId: string; reference: string; outcome: string };

/**
 * The payment gateway stub's control API. Core sends each charge with the reference
 * "<concertId>/<paymentId>", so a scenario steers and inspects only its own concert's payments
 * by using "<concertId>/" as the prefix: parallel scenarios never see each other's behaviour.
 */
export const gatewayApi = {
  referencePrefix: (concertId: string) => `${concertId}/`,

  setBehaviour(api: ApiClient, behaviour: { mode: GatewayMode; delayMs?: number; referencePrefix: string }) {
    return api.send('PUT', `${gatewayUrl()}/__control/behavior`, { body: behaviour });
  },

  async charges(api: ApiClient, referencePrefix: string): Promise<{ charges: GatewayCharge[]; voids: GatewayVoid[] }> {
    const res = await api.send('GET', `${gatewayUrl()}/__control/charges?referencePrefix=${encodeURIComponent(referencePrefix)}`);
    if (res.status !== 200) throw new Error(`the gateway's charge list answered ${res.status}`);
    return res.body as { charges: GatewayCharge[]; voids: GatewayVoid[] };
  },
};

function gatewayUrl(): string {
  if (!target.gatewayUrl) throw new Error('E2E_GATEWAY_URL is not set: payment scenarios need the gateway stub (see README)');
  return target.gatewayUrl;
}
