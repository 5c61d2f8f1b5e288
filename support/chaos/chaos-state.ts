import type { QueueTraffic } from './queue-traffic.ts';
import type { SlotOwner } from '../infra-api.ts';
import type { TicketWorld } from '../world.ts';

/** What a fault scenario remembers between its steps, kept beside (not in) the World. */
export type ChaosState = {
  traffic?: QueueTraffic;
  killedMaster?: Omit<SlotOwner, 'failing'> & { at: number };
  takeoverAt?: number;
  /** Fans in the order they entered, with their tokens. */
  fans: { userId: string; token: string }[];
};

const states = new WeakMap<TicketWorld, ChaosState>();

export function chaosOf(world: TicketWorld): ChaosState {
  let state = states.get(world);
  if (!state) {
    state = { fans: [] };
    states.set(world, state);
  }
  return state;
}
