import { randomUUID } from 'node:crypto';

export type Mode = 'approve' | 'decline' | 'timeout' | 'error';
export const MODES: readonly Mode[] = ['approve', 'decline', 'timeout', 'error'];

export type Behaviour = { mode: Mode; delayMs: number };

/** "timeout" answers (and charges) only this late unless told otherwise: later than any sane client waits. */
export const TIMEOUT_DEFAULT_DELAY_MS = 10_000;

export type ChargeStatus = 'APPROVED' | 'DECLINED' | 'ERROR' | 'VOIDED';

export type Charge = {
  chargeId: string;
  reference: string;
  amount: number;
  status: ChargeStatus;
  requestedAt: string;
  answeredAt: string;
  voidedAt: string | null;
};

export type VoidRecord = { chargeId: string; reference: string; at: string; outcome: 'VOIDED' | 'ALREADY_VOIDED' };

export const behaviourOf = (mode: Mode, delayMs?: number): Behaviour => ({
  mode,
  delayMs: delayMs ?? (mode === 'timeout' ? TIMEOUT_DEFAULT_DELAY_MS : 0),
});

/**
 * The stub's memory: how it should behave (globally, or for references starting with a prefix so
 * scenarios running in parallel steer only their own payments) and every charge and void seen.
 */
export function createChargeBook() {
  let global: Behaviour = behaviourOf('approve');
  const scoped = new Map<string, Behaviour>();
  const charges: Charge[] = [];
  const voids: VoidRecord[] = [];

  return {
    /** The behaviour for a reference: the longest matching prefix wins, else the global one. */
    behaviourFor(reference: string): Behaviour {
      let best: string | undefined;
      for (const prefix of scoped.keys()) {
        if (reference.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
      }
      return best === undefined ? global : scoped.get(best)!;
    },

    setBehaviour(behaviour: Behaviour, referencePrefix?: string) {
      if (referencePrefix === undefined) global = behaviour;
      else scoped.set(referencePrefix, behaviour);
    },

    clearBehaviour(referencePrefix?: string) {
      if (referencePrefix === undefined) global = behaviourOf('approve');
      else scoped.delete(referencePrefix);
    },

    record(attempt: { reference: string; amount: number; status: Exclude<ChargeStatus, 'VOIDED'>; requestedAt: Date }): Charge {
      const charge: Charge = {
        chargeId: `ch_${randomUUID()}`,
        reference: attempt.reference,
        amount: attempt.amount,
        status: attempt.status,
        requestedAt: attempt.requestedAt.toISOString(),
        answeredAt: new Date().toISOString(),
        voidedAt: null,
      };
      charges.push(charge);
      return charge;
    },

    /** Voids an approved charge; voiding it again is harmless. Undefined for unknown or unvoidable ones. */
    void(chargeId: string): Charge | undefined {
      const charge = charges.find((c) => c.chargeId === chargeId);
      if (!charge || (charge.status !== 'APPROVED' && charge.status !== 'VOIDED')) return undefined;
      const at = new Date().toISOString();
      voids.push({ chargeId, reference: charge.reference, at, outcome: charge.status === 'VOIDED' ? 'ALREADY_VOIDED' : 'VOIDED' });
      if (charge.status === 'APPROVED') {
        charge.status = 'VOIDED';
        charge.voidedAt = at;
      }
      return charge;
    },

    find: (chargeId: string) => charges.find((c) => c.chargeId === chargeId),
    byReference: (reference: string) => charges.filter((c) => c.reference === reference),
    seen: (referencePrefix = '') => ({
      charges: charges.filter((c) => c.reference.startsWith(referencePrefix)),
      voids: voids.filter((v) => v.reference.startsWith(referencePrefix)),
    }),

    reset() {
      global = behaviourOf('approve');
      scoped.clear();
      charges.length = 0;
      voids.length = 0;
    },
  };
}

export type ChargeBook = ReturnType<typeof createChargeBook>;
