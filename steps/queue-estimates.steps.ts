import { Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { statusOf, type EntryBody } from '../support/journeys.ts';
import { eventually } from '../support/polling.ts';
import { queueApi } from '../support/queue-api.ts';
import type { TicketWorld } from '../support/world.ts';

/** Every poll interval fans were given in this scenario, to check none is too short. */
const advised = new WeakMap<TicketWorld, number[]>();
const note = (world: TicketWorld, body: EntryBody) => advised.set(world, [...(advised.get(world) ?? []), body.pollAfterMs]);

Then('{word} is told to expect a wait of at most {int} second(s)', function (this: TicketWorld, name: string, seconds: number) {
  const body = this.fan(name).lastEntry?.body as EntryBody;
  assert.ok(body.estimatedWaitSeconds <= seconds, `told ${body.estimatedWaitSeconds} s`);
});

Then('{word} is eventually told to expect a wait of more than {int} seconds', async function (this: TicketWorld, name: string, seconds: number) {
  // Nobody who was let in moves on, so the measured pace of admission falls towards zero.
  await eventually(
    async () => ({ ...((await statusOf(this, name)).body as EntryBody) }),
    (body) => body.estimatedWaitSeconds > seconds,
    { what: `${name}'s estimate to pass ${seconds} s`, timeoutMs: 20_000, intervalMs: 250 },
  );
});

When('{int} more fans enter the queue', async function (this: TicketWorld, count: number) {
  const url = this.queueUrl();
  // A few at a time: enough to be quick, few enough to be kind to a shared machine.
  for (let i = 0; i < count; i += 25) {
    const batch = Array.from({ length: Math.min(25, count - i) }, (_, j) =>
      queueApi.enter(this.api, url, { concertId: this.concertId(), userId: this.fan(`Crowd-${i + j}`).userId }),
    );
    for (const res of await Promise.all(batch)) {
      assert.equal(res.status, 201);
      note(this, res.body as EntryBody);
    }
  }
});

Then('{word} is asked to check again less often than {word}', async function (this: TicketWorld, back: string, front: string) {
  const [b, f] = [(await statusOf(this, back)).body as EntryBody, (await statusOf(this, front)).body as EntryBody];
  note(this, b);
  note(this, f);
  assert.ok(b.position! > f.position!, `${back} is not behind ${front}`);
  assert.ok(b.pollAfterMs > f.pollAfterMs, `${back} (position ${b.position}) polls every ${b.pollAfterMs} ms, ${front} (position ${f.position}) every ${f.pollAfterMs} ms`);
});

Then('nobody is asked to check again more often than once a second', function (this: TicketWorld) {
  const intervals = advised.get(this) ?? [];
  assert.ok(intervals.length > 0);
  assert.ok(Math.min(...intervals) >= 1000, `shortest interval ${Math.min(...intervals)} ms`);
});
