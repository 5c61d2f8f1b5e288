import { After } from '@cucumber/cucumber';
import { Infrastructure } from '../driver/infrastructure.ts';
import type { TicketWorld } from '../world.ts';

// Whatever a fault scenario broke is whole again before the next scenario starts, whether the
// scenario passed or failed half-way: killed Redis nodes started, killed services restarted,
// every service ready.
After({ tags: '@infra', name: 'restore every killed node and service', timeout: 150_000 }, async function (this: TicketWorld) {
  await this.fault.traffic?.stop();
  if (!Infrastructure.available()) return;
  const restoredAfterMs = await this.infrastructure.restoreAll();
  this.attach(`infrastructure restored in ${restoredAfterMs} ms`, 'text/plain');
});
