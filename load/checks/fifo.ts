/**
 * Order checks a client can make without seeing inside the server. "A before B" is only
 * certain when A's answer arrived before B's request left: then B must not be ahead of A.
 * Requests that overlapped in time may be served in either order, so they are not compared.
 */

/** One user's enter call as the generator saw it (ms on the generator's clock). */
export type Arrival = { sentAt: number; answeredAt: number };

/**
 * Counts users placed ahead of someone who had finished entering before they even asked.
 * `rank[i]` is user i's final place (0 = front); users without a rank (lost) are skipped.
 */
export function causalOrderViolations(arrivals: Arrival[], rank: (number | undefined)[]): number {
  return causalOrderViolators(arrivals, rank).filter(Boolean).length;
}

/**
 * Which users are placed ahead of someone answered more than `marginMs` before they asked.
 * The margin is for times read on different clocks (generators on several machines): a pair
 * closer than the clocks may be apart is not compared. O(n log n): users sorted by when they
 * were answered, prefix maximum of rank.
 */
export function causalOrderViolators(arrivals: Arrival[], rank: (number | undefined)[], marginMs = 0): boolean[] {
  const byAnswer = arrivals.map((_, i) => i).filter((i) => rank[i] !== undefined);
  byAnswer.sort((a, b) => arrivals[a].answeredAt - arrivals[b].answeredAt);
  const bySend = [...byAnswer].sort((a, b) => arrivals[a].sentAt - arrivals[b].sentAt);
  const violators = new Array<boolean>(arrivals.length).fill(false);
  let j = 0;
  let maxRankAnswered = -1;
  for (const b of bySend) {
    // Everyone answered before b was sent must be ahead of b.
    while (j < byAnswer.length && arrivals[byAnswer[j]].answeredAt + marginMs < arrivals[b].sentAt) {
      maxRankAnswered = Math.max(maxRankAnswered, rank[byAnswer[j]]!);
      j++;
    }
    if (maxRankAnswered > rank[b]!) violators[b] = true;
  }
  return violators;
}

/**
 * Admission order: if A had entered before B asked to enter, A must not still be waiting after
 * B was seen admitted. `lastWaitingSentAt` is when A's last WAITING answer was requested
 * (A was waiting then), `admittedSeenAt` when B's first READY answer arrived (B was admitted
 * by then). Users never admitted have admittedSeenAt = Infinity.
 */
export function admissionOrderViolations(
  users: (Arrival & { lastWaitingSentAt: number; admittedSeenAt: number })[],
): number {
  const byAnswer = users.map((_, i) => i).sort((a, b) => users[a].answeredAt - users[b].answeredAt);
  const bySend = users.map((_, i) => i).sort((a, b) => users[a].sentAt - users[b].sentAt);
  let violations = 0;
  let j = 0;
  let latestStillWaiting = -Infinity;
  for (const b of bySend) {
    while (j < byAnswer.length && users[byAnswer[j]].answeredAt < users[b].sentAt) {
      latestStillWaiting = Math.max(latestStillWaiting, users[byAnswer[j]].lastWaitingSentAt);
      j++;
    }
    if (latestStillWaiting > users[b].admittedSeenAt) violations++;
  }
  return violations;
}
