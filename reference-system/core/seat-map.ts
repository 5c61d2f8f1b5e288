import { coalescedReads } from './coalesced-reads.ts';
import type { Reservations } from './reservations.ts';

/**
 * The seat map as the API sends it (JSON text), or undefined for an unknown concert. In a rush
 * every ACTIVE buyer asks for the same map at once: the reads share PostgreSQL queries and one
 * serialization (coalesced-reads.ts) while each still reflects every hold made before
 * it was asked. Seat-rush: 1,901 map reads cost about 1,900 queries before this (docs/load.md).
 */
export function createSeatMap(reservations: Reservations) {
  return coalescedReads(async (concertId: string): Promise<string | undefined> => {
    const seats = await reservations.listSeats(concertId);
    return seats && JSON.stringify({ concertId, seats });
  });
}

export type SeatMap = ReturnType<typeof createSeatMap>;
