import type { Exchange } from './http/api-client.ts';
import type { ReservationView } from './core-api.ts';
import type { TicketWorld } from './world.ts';

/** What a fan has done at the box office in this scenario. */
export type FanBooking = { reservation?: ReservationView; payments: Exchange[] };

/** Booking state of one scenario, kept beside its World. */
export type BookingState = {
  fans: Map<string, FanBooking>;
  /** Answers of a crowd reserving at once, by fan name. */
  crowd: Map<string, Exchange>;
  holdSeconds?: number;
};

const states = new WeakMap<TicketWorld, BookingState>();

export function bookings(world: TicketWorld): BookingState {
  let state = states.get(world);
  if (!state) {
    state = { fans: new Map(), crowd: new Map() };
    states.set(world, state);
  }
  return state;
}

export function bookingOf(world: TicketWorld, name: string): FanBooking {
  const { fans } = bookings(world);
  let booking = fans.get(name);
  if (!booking) {
    booking = { payments: [] };
    fans.set(name, booking);
  }
  return booking;
}
