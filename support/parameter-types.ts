import { defineParameterType } from '@cucumber/cucumber';
import { NOBODYS_RESERVATION, type Fan } from './driver/fan.ts';
import type { TicketWorld } from './world.ts';

// The words steps are written in (docs/steps.md). Each type turns them into what the driver
// layer takes: a fan's name into the fan herself, a list into fans, "2 ready and 3 waiting"
// into figures.

/** "Ann": the fan of that name in this scenario. */
defineParameterType({
  name: 'fan',
  regexp: /[A-Z][a-z]+/,
  transformer(this: TicketWorld, name: string): Fan {
    return this.fan(name);
  },
});

/** "Ann", "Ann and Ben", "Ann, Ben and Cat", in the order written; or "the 10 fans" a step brought in. */
defineParameterType({
  name: 'fans',
  regexp: /the \d+ fans|[A-Z][a-z]+(?:, [A-Z][a-z]+)*(?: and [A-Z][a-z]+)?/,
  transformer(this: TicketWorld, list: string): Fan[] {
    const crowd = /^the (\d+) fans$/.exec(list);
    if (crowd) {
      if (this.crowd.length !== Number(crowd[1])) throw new Error(`the scenario speaks of ${list}, but ${this.crowd.length} came in`);
      return this.crowd;
    }
    return list.split(/, | and /).map((name) => this.fan(name));
  },
});

/** "the concert", or one named in quotes: "Concert B". The name; actors look its id up. */
defineParameterType({
  name: 'concert',
  regexp: /the concert|a concert that is not on sale|"[^"]+"/,
  transformer: (concert: string) => concert.replace(/^"|"$/g, ''),
});

/** "paused" or "resumed": how admission stands. */
defineParameterType({
  name: 'admission',
  regexp: /paused|resumed/,
  transformer: (state: string) => state,
});

/** "2 ready, 0 active and 3 waiting": figures by name. */
defineParameterType({
  name: 'figures',
  regexp: /\d+ [a-z-]+(?:, \d+ [a-z-]+)*(?: and \d+ [a-z-]+)?/,
  transformer: (list: string): Record<string, number> =>
    Object.fromEntries(
      list.split(/, | and /).map((item) => {
        const [count, name] = item.split(' ');
        return [name === 'pre-queued' ? 'preQueued' : name, Number(count)];
      }),
    ),
});

/** What someone may present instead of the operators' key. */
defineParameterType({
  name: 'credentials',
  regexp: /no credentials|a wrong key|the key with a suffix|a non-Bearer scheme|a fan's queue token/,
  transformer: (presented: string) => presented,
});

/** What an operator does with a waiting room. */
defineParameterType({
  name: 'operatorAction',
  regexp: /put a concert on sale|change the policy|pause admission|resume admission|read the statistics/,
  transformer: (action: string) => action,
});

/** Where a fan stands, as a queue server tells her: "WAITING at position 3", "let in", "shopping". */
defineParameterType({
  name: 'place',
  regexp: /WAITING at position \d+|let in|shopping/,
  transformer: (place: string) => place,
});

/** A request a fan's app may send: to enter the queue, or to reserve a seat. */
defineParameterType({
  name: 'request',
  regexp: /enter the queue|reserve a seat/,
  transformer: (request: string) => (request === 'enter the queue' ? 'entry' : 'reservation'),
});

/** Where a fan stands when she tries the box office (steps/refusals.steps.ts says how she got there). */
defineParameterType({
  name: 'situation',
  regexp: /is still waiting in the queue|has been let in but has not started shopping|stayed idle while shopping until her turn ended|has left the queue/,
  transformer: (situation: string) => situation,
});

// Optional qualifiers: each matches its words or nothing at all, so one step covers both
// "Ann enters the queue" and "Ann enters the queue through queue server 2".

/** " through queue server 2": which queue server a fan or the operator talks to; none: the first. */
defineParameterType({
  name: 'through',
  regexp: /(?: through queue server \d+)?/,
  transformer: (words?: string) => (words ? Number(/\d+/.exec(words)?.[0]) : undefined),
});

/** ', within a second of being let in': the push is timed against polls made on the side. */
defineParameterType({
  name: 'withinASecond',
  regexp: /(?:, within a second of being let in)?/,
  transformer: (words?: string) => Boolean(words),
});

/** ', her token in the address': the status stream's token in the query, as a browser's EventSource sends it. */
defineParameterType({
  name: 'tokenInAddress',
  regexp: /(?:, (?:her|his) token in the address)?/,
  transformer: (words?: string) => Boolean(words),
});

/** ' of "Concert B"' / ' for "Concert B"': another concert than the scenario's own; none: the concert. */
defineParameterType({
  name: 'ofConcert',
  regexp: /(?: (?:of|for) "[^"]+")?/,
  transformer: (words?: string) => (words ? /"([^"]+)"/.exec(words)?.[1] : undefined),
});

/** " 5 more times": how often a fan tries at most (she stops at a refusal); none: once. */
defineParameterType({
  name: 'moreTimes',
  regexp: /(?: \d+ more times)?/,
  transformer: (words?: string) => (words ? Number(/\d+/.exec(words)?.[0]) : 1),
});

/** ", refused or not": she goes on trying after a refusal (to show a refusal costs her nothing). */
defineParameterType({
  name: 'evenIfRefused',
  regexp: /(?:, refused or not)?/,
  transformer: (words?: string) => Boolean(words),
});

/** ", claiming it costs 1": a price the fan's app sends along, which must make no difference. */
defineParameterType({
  name: 'claiming',
  regexp: /(?:, claiming it costs \d+)?/,
  transformer: (words?: string) => (words ? Number(/\d+/.exec(words)?.[0]) : undefined),
});

/** ' with payment key "k-1"' or " without a payment key"; none: a fresh key. */
defineParameterType({
  name: 'paymentKey',
  regexp: /(?: with payment key "[^"]*"| without a payment key)?/,
  transformer: (words?: string): string | null | undefined => (words ? (/"([^"]*)"/.exec(words)?.[1] ?? null) : undefined),
});

/** "her reservation", "Alice's reservation", "a reservation that does not exist": which one a fan means. */
defineParameterType({
  name: 'reservation',
  regexp: /her reservation|his reservation|[A-Z][a-z]+'s reservation|a reservation that does not exist/,
  transformer(this: TicketWorld, words: string): (actor: Fan) => string {
    if (words === 'a reservation that does not exist') return () => NOBODYS_RESERVATION;
    const holder = /^([A-Z][a-z]+)'s/.exec(words)?.[1];
    return (actor) => (holder ? this.fan(holder) : actor).heldReservation().reservationId;
  },
});

/** What a fan may try, whatever the answer: the Then step says what it should be. */
defineParameterType({
  name: 'attempt',
  regexp: /enter the queue|start shopping|extend her turn|extend his turn|leave the queue|check her place|check his place|follow her place live|follow his place live/,
  transformer: (attempt: string) => attempt.replace(/his (place|turn)/, 'her $1'),
});

/** What a fan may do again and again. */
defineParameterType({
  name: 'repeated',
  regexp: /enters the queue|checks her place|checks his place/,
  transformer: (action: string) => action.replace('his place', 'her place'),
});

/** Which of her tokens: the one she holds, or the one before her latest entry. */
defineParameterType({
  name: 'tokenKind',
  regexp: /token|previous token/,
  transformer: (kind: string) => kind,
});

/** Where the queue statistics are read: the first queue server, or every one. */
defineParameterType({
  name: 'statistics',
  regexp: /the queue statistics|every queue server's statistics/,
  transformer: (words: string) => (words === 'the queue statistics' ? 'first' : 'every'),
});

/** How late the payment provider answers. */
defineParameterType({
  name: 'lateness',
  regexp: /we have given up|the hold has run out/,
  transformer: (words: string) => words,
});

/** Two payments sent together: a double click (one key) or two different ones. */
defineParameterType({
  name: 'twoPayments',
  regexp: /the same payment twice|two different payments/,
  transformer: (words: string) => (words === 'the same payment twice' ? 'same key' : 'different keys'),
});
