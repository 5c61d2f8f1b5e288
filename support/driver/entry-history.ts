/**
 * What the scenario's fans were told about one queue entry (one token), from every answer and
 * every status-stream event that speaks of it, and the contract's rules about how that may
 * change (docs/api.md): a status only moves forward (PRE_QUEUE → WAITING → READY → ACTIVE →
 * gone); a waiting fan's position never rises; a READY deadline never moves; an ACTIVE deadline
 * moves only by a box-office call or an extension; a gone entry never comes back.
 *
 * Answers arrive out of order when calls overlap, so each sighting carries the span in which the
 * server must have read the entry: from the request's sending (`lo`) to the answer's arrival
 * (`hi`), both on this process's monotonic clock. One sighting is after another only when it was
 * sent after the other was answered; overlapping ones are never compared.
 */
export const STATES = ['PRE_QUEUE', 'WAITING', 'READY', 'ACTIVE', 'GONE'] as const;
export type EntryState = (typeof STATES)[number];

export type Sighting = {
  /** The call or event, as failure messages name it: "Ann checking her place". */
  what: string;
  lo: number;
  hi: number;
  /** Every state the entry may have been in (one, unless a refusal only narrows it down). */
  states: readonly EntryState[];
  position?: number | null;
  /** READY or ACTIVE deadline (epoch ms), when told. */
  expiresAt?: number;
  /** The call that moved the deadline this sighting tells (an extension's own answer): no move after it. */
  movedBy?: Mover;
};

/** A call that may move an ACTIVE turn's deadline: a box-office call, an extension. */
export type Mover = { what: string; lo: number; hi: number };

const rank = (state: EntryState) => STATES.indexOf(state);
const shown = (s: Sighting) =>
  `${s.what} (${s.states.join('|')}${s.position ? ` at ${s.position}` : ''}${s.expiresAt !== undefined ? ` until ${new Date(s.expiresAt).toISOString()}` : ''})`;

export class EntryHistory {
  readonly sightings: Sighting[] = [];
  readonly movers: Mover[] = [];
  /** Extensions granted to this turn, and whether an extension's outcome is unknown (no answer). */
  extensionsGranted = 0;
  extensionsUncertain = false;
  /** An activation was granted (or may have been: no answer): a later one is a repeat. */
  activated = false;

  /** Records a sighting and returns every rule it breaks against what was seen before it. */
  see(sighting: Sighting): string[] {
    const broken = this.sightings.filter((earlier) => earlier.hi < sighting.lo).flatMap((earlier) => this.#compare(earlier, sighting));
    this.sightings.push(sighting);
    return broken;
  }

  /** Two sightings of one stream, in the order it pushed them. */
  seeInOrder(earlier: Sighting, later: Sighting): string[] {
    return this.#compare(earlier, later);
  }

  moved(mover: Mover): void {
    this.movers.push(mover);
  }

  /** The call turned out to move nothing (refused before it touched the turn). */
  unmoved(mover: Mover): void {
    this.movers.splice(this.movers.indexOf(mover), 1);
  }

  /** Whether the entry was seen gone before `lo`. */
  goneBefore(lo: number): Sighting | undefined {
    return this.sightings.find((s) => s.hi < lo && s.states.every((state) => state === 'GONE'));
  }

  #compare(earlier: Sighting, later: Sighting): string[] {
    const broken: string[] = [];
    const from = Math.min(...earlier.states.map(rank));
    const to = Math.max(...later.states.map(rank));
    if (from > to) broken.push(`status only moves forward: ${shown(earlier)}, then ${shown(later)}`);
    const both = (state: EntryState) => earlier.states.length === 1 && later.states.length === 1 && earlier.states[0] === state && later.states[0] === state;
    if (both('WAITING') && typeof earlier.position === 'number' && typeof later.position === 'number' && later.position > earlier.position) {
      broken.push(`a waiting fan's position never rises: ${shown(earlier)}, then ${shown(later)}`);
    }
    if (earlier.expiresAt !== undefined && later.expiresAt !== undefined && earlier.expiresAt !== later.expiresAt) {
      if (both('READY')) broken.push(`a READY turn's deadline never moves: ${shown(earlier)}, then ${shown(later)}`);
      if (both('ACTIVE') && !this.movers.some((m) => m !== earlier.movedBy && m.lo < later.hi && m.hi > earlier.lo)) {
        broken.push(`a shopper's deadline moves only by a box-office call or an extension, and none came between ${shown(earlier)} and ${shown(later)}`);
      }
    }
    return broken;
  }
}
