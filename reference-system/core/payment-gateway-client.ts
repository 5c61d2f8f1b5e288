import { Agent, request } from 'undici';
import type { CoreMetrics } from './core-metrics.ts';

export type ChargeOutcome =
  | { kind: 'APPROVED'; chargeId: string }
  | { kind: 'DECLINED' }
  /** No answer in time: the charge may still happen, so the caller must reconcile. */
  | { kind: 'TIMEOUT' }
  /** A failed or unreadable answer: whether money moved is unknown, as with a timeout. */
  | { kind: 'ERROR'; detail: string };

export type GatewayCharge = { chargeId: string; reference: string; amount: number; status: string };

/** What core needs from a payment gateway. */
export type PaymentGateway = {
  charge(amount: number, reference: string): Promise<ChargeOutcome>;
  /** Voids a charge; resolves once the gateway confirmed it, throws otherwise. */
  void(chargeId: string): Promise<void>;
  /** Charges the gateway made under a reference: how a late charge is found. */
  chargesFor(reference: string): Promise<GatewayCharge[]>;
};

/** HTTP client of the gateway (the stub in reference-system/payment-gateway, or a real one). */
export function createPaymentGatewayClient(options: { baseUrl: string; timeoutMs: number }): PaymentGateway {
  const { baseUrl, timeoutMs } = options;
  const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });

  /** One call with a hard deadline over the whole exchange, headers and body. */
  async function call(operation: string, method: 'GET' | 'POST', path: string, body?: unknown) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const res = await request(`${baseUrl}${path}`, {
        method,
        dispatcher: agent,
        signal: controller.signal,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.body.text();
      return { status: res.statusCode, json: parseJson(text) };
    } catch (error) {
      if (timedOut) throw new GatewayTimeout(`${operation} got no answer within ${timeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async charge(amount, reference) {
      try {
        const { status, json } = await call('charge', 'POST', '/charges', { amount, reference });
        const chargeId = (json as { chargeId?: unknown })?.chargeId;
        if ((status === 201 || status === 200) && typeof chargeId === 'string') return { kind: 'APPROVED', chargeId };
        if (status === 402) return { kind: 'DECLINED' };
        return { kind: 'ERROR', detail: `gateway answered ${status}` };
      } catch (error) {
        if (error instanceof GatewayTimeout) return { kind: 'TIMEOUT' };
        return { kind: 'ERROR', detail: (error as Error).message };
      }
    },

    async void(chargeId) {
      const { status } = await call('void', 'POST', `/charges/${encodeURIComponent(chargeId)}/void`);
      if (status !== 200) throw new Error(`voiding ${chargeId}: gateway answered ${status}`);
    },

    async chargesFor(reference) {
      const { status, json } = await call('lookup', 'GET', `/charges?reference=${encodeURIComponent(reference)}`);
      if (status !== 200) throw new Error(`looking up charges of ${reference}: gateway answered ${status}`);
      return ((json as { charges?: GatewayCharge[] })?.charges ?? []) as GatewayCharge[];
    },
  };
}

/** The same gateway, timing every call into core's latency histogram by operation and outcome. */
export function instrumentGateway(gateway: PaymentGateway, metrics: CoreMetrics): PaymentGateway {
  const timed = async <T>(operation: string, call: () => Promise<T>, outcomeOf: (value: T) => string): Promise<T> => {
    const end = metrics.gatewayDuration.startTimer({ operation });
    try {
      const value = await call();
      end({ outcome: outcomeOf(value) });
      return value;
    } catch (error) {
      end({ outcome: error instanceof GatewayTimeout ? 'timeout' : 'error' });
      throw error;
    }
  };
  return {
    charge: (amount, reference) => timed('charge', () => gateway.charge(amount, reference), (o) => o.kind.toLowerCase()),
    void: (chargeId) => timed('void', () => gateway.void(chargeId), () => 'ok'),
    chargesFor: (reference) => timed('lookup', () => gateway.chargesFor(reference), () => 'ok'),
  };
}

export class GatewayTimeout extends Error {}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
