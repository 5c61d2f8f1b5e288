import { After } from '@cucumber/cucumber';
import { chaosOf } from '../chaos/chaos-state.ts';
import { infraApi } from '../infra-api.ts';
import type { TicketWorld } from '../world.ts';

// Whatever a fault scenario broke is whole again before the next scenario starts, whether the
// scenario passed or failed half-way: killed Redis nodes started, killed services restarted,
// every service ready.
After({ tags: '@infra', name: 'restore every killed node and service', timeout: 150_000 }, async function (this: TicketWorld) {
  await chaosOf(this).traffic?.stop();
  if (!infraApi.available()) return;
  const { restoredAfterMs } = await infraApi.restoreAll();
  this.attach(`infrastructure restored in ${restoredAfterMs} ms`, 'text/plain');
});
