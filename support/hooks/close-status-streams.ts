import { After } from '@cucumber/cucumber';
import type { TicketWorld } from '../world.ts';

/** A fan's status streams end with her scenario: no server keeps following a finished one. */
After({ name: 'close every status stream the fans opened' }, function (this: TicketWorld) {
  for (const fan of this.fans()) fan.closeStreams();
});
