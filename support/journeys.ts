import assert from 'node:assert/strict';
import { eventually } from './polling.ts';
import { queueApi } from './queue-api.ts';
import type { TicketWorld } from './world.ts';

type StatusBody = { status: string };

/** Enter, wait until admitted, activate: the path every buyer takes before booking. */
export async function becomeActive(world: TicketWorld, name: string, concert = 'the concert'): Promise<string> {
  const fan = world.fan(name);
  const queueUrl = world.queueUrl();
  const entered = await queueApi.enter(world.api, queueUrl, { concertId: world.concertId(concert), userId: fan.userId });
  assert.ok(entered.status === 201 || entered.status === 200, `enter answered ${entered.status}`);
  const token = (entered.body as { token: string }).token;
  fan.token = token;
  await eventually(
    () => queueApi.status(world.api, queueUrl, token),
    (res) => res.status === 200 && ['READY', 'ACTIVE'].includes((res.body as StatusBody).status),
    { what: `${name} to be admitted`, timeoutMs: 15_000 },
  );
  const activated = await queueApi.activate(world.api, queueUrl, token);
  assert.equal(activated.status, 200, `activate answered ${activated.status}: ${JSON.stringify(activated.body)}`);
  return token;
}
