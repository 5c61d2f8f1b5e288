import { Given, Then, When } from '@cucumber/cucumber';
import type { Fan } from '../support/driver/fan.ts';
import { followTwiceEach } from '../support/driver/places.ts';
import type { Told } from '../support/driver/place-stream.ts';
import { expectEqual, expectThat } from '../support/expect.ts';
import { eventually } from '../support/polling.ts';
import { skipScenario } from '../support/skip-reason.ts';
import type { TicketWorld } from '../support/world.ts';

// ---- Following one's place live (the status stream) ------------------------------------------

const place = (told: Told) => (told.refusal ? `refused as ${told.refusal}` : told.view!.status === 'WAITING' ? `WAITING at position ${told.view!.position}` : told.view!.status);

When('{fan} follows her/his place live{through}{tokenInAddress}', async function (this: TicketWorld, fan: Fan, through: number | undefined, inAddress: boolean) {
  (await fan.followPlace({ through, tokenIn: inAddress ? 'address' : 'header' })).value;
});

When('{fan} stops following her/his place on queue server {int}', function (this: TicketWorld, fan: Fan, server: number) {
  fan.stopFollowing(server);
});

Then('{fan} can follow her/his place live again{through}', async function (this: TicketWorld, fan: Fan, through?: number) {
  // The server notices a closed stream when its connection closes: shortly, not at once.
  await eventually(() => fan.followPlace({ through }), (answer) => answer.succeeded, { what: `${fan} to be let follow her place live again`, timeoutMs: 5000, describe: String });
});

Then('{fan} is told live that she/he is WAITING at position {int}', async function (this: TicketWorld, fan: Fan, position: number) {
  const stream = fan.placeStream();
  const told = await stream.next(`${fan}'s place`);
  expectEqual(place(told), `WAITING at position ${position}`, `what ${fan}'s stream told her`);
});

Then('{fan} is told live that she/he is let in{withinASecond}', async function (this: TicketWorld, fan: Fan, timed: boolean) {
  const { told, pushedAfterMs } = await fan.toldLiveOnceLetIn({ timed });
  expectEqual(place(told), 'READY', `what ${fan}'s stream told her once her place changed`);
  if (timed) expectThat((pushedAfterMs ?? Infinity) <= 1000, `${fan}'s stream told her she was let in ${Math.round(pushedAfterMs ?? Infinity)} ms after it happened, not within a second`);
});

Then('{fan} is told live that she/he is shopping, and her/his stream ends', async function (this: TicketWorld, fan: Fan) {
  const stream = fan.placeStream({ evenEnded: true });
  const told = await stream.nextBeyond('READY', `${fan}'s place to change from READY`);
  expectEqual(place(told), 'ACTIVE', `what ${fan}'s stream told her once she started shopping`);
  expectThat(await stream.ends(2000), `${fan}'s stream was still open 2 s after it told her she was shopping; it pushed: ${stream.describe()}`);
});

Then("{fan}'s stream ends within {int} seconds", async function (this: TicketWorld, fan: Fan, seconds: number) {
  // A crashed server's sockets close with its process: the app sees the end and reconnects,
  // rather than waiting on a silent stream for its next heartbeat.
  const stream = fan.placeStream({ evenEnded: true });
  expectThat(await stream.ends(seconds * 1000), `${fan}'s stream on queue server ${stream.server} was still open ${seconds} s later; it pushed: ${stream.describe()}`);
});

/**
 * Most streams a scenario opens to fill a queue server; a target with a higher limit skips. Two
 * streams per place at most: half as many fans fill it, each following her place twice.
 */
const MOST_STREAMS_TO_FILL = 200;

Given('queue server {int} serves as many status streams as it may', async function (this: TicketWorld, server: number) {
  const { limit, open } = await this.operator.streamCapacity(server);
  if (limit - open > MOST_STREAMS_TO_FILL) return skipScenario(this, `queue server ${server} may serve ${limit} status streams (QUEUE_STREAM_LIMIT); filling more than ${MOST_STREAMS_TO_FILL} is not a scenario's work.`);
  await followTwiceEach(this.joinCrowd(Math.ceil((limit - open) / 2), 'Follower'), server, limit - open);
  const filled = await this.operator.streamCapacity(server);
  expectEqual(filled.open, filled.limit, `status streams open on queue server ${server}`);
});
