import { After, Status } from '@cucumber/cucumber';
import type { TicketWorld } from '../world.ts';

// After every scenario that put a concert on sale, the operator's statistics must agree with what
// its fans did and were told (support/driver/room-model.ts): what a scenario's own Then steps
// never look at is held to account here. A failed or skipped scenario is left as it is.
After({ name: "the operator's statistics agree with what the fans did" }, async function (this: TicketWorld, { result }) {
  if (result?.status !== Status.PASSED) return;
  if (this.fault.traffic) this.rooms.unseenFansEnter(this.fault.traffic.concertId);
  for (const name of this.concertNames()) {
    const concertId = this.concertId(name);
    if (!this.rooms.concerts().includes(concertId)) continue;
    await this.operator.forConcert(name).untilStatsAgree((stats) => this.rooms.disagreements(concertId, stats));
  }
});
