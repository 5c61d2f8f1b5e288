import { DataTable, Then } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { parsePrometheus, sampleValue } from '../support/prometheus.ts';
import { queueApi } from '../support/queue-api.ts';
import type { TicketWorld } from '../support/world.ts';

Then('queue server {int} reports it is alive', async function (this: TicketWorld, instance: number) {
  const res = await queueApi.health(this.api, this.queueUrl(instance), 'live');
  assert.equal(res.status, 200);
});

Then('queue server {int} reports it is ready to serve', async function (this: TicketWorld, instance: number) {
  const res = await queueApi.health(this.api, this.queueUrl(instance), 'ready');
  assert.deepEqual([res.status, (res.body as { status: string }).status], [200, 'UP']);
});

/** Figures an operator reads, and the series each comes from. */
const figures: Record<string, [string, Record<string, string>]> = {
  entries: ['queue_entries_total', {}],
  admissions: ['queue_admissions_total', {}],
  'exits because left': ['queue_exits_total', { reason: 'exited' }],
  'exits because expired': ['queue_exits_total', { reason: 'expired' }],
  'exits because booked': ['queue_exits_total', { reason: 'completed' }],
  'fans waiting': ['queue_users', { state: 'waiting' }],
  'fans let in': ['queue_users', { state: 'ready' }],
  'fans active': ['queue_users', { state: 'active' }],
};

Then('the monitoring figures for the concert show:', async function (this: TicketWorld, table: DataTable) {
  const samples = parsePrometheus(String((await queueApi.metrics(this.api, this.queueUrl())).body));
  const concert = this.concertId();
  const rows = table.hashes();
  const actual = rows.map(({ figure }) => {
    assert.ok(figures[figure], `no monitoring figure called ${figure}`);
    const [name, labels] = figures[figure];
    return { figure, value: String(sampleValue(samples, name, { ...labels, concert })) };
  });
  assert.deepEqual(actual, rows);
});

Then('the time {word} waited to be let in was recorded', async function (this: TicketWorld, _name: string) {
  // Whichever queue server let the fan in recorded it: add up both.
  let recorded = 0;
  for (const instance of [1, 2]) {
    const samples = parsePrometheus(String((await queueApi.metrics(this.api, this.queueUrl(instance))).body));
    recorded += sampleValue(samples, 'queue_enter_to_ready_seconds_count', { concert: this.concertId() }) ?? 0;
  }
  assert.equal(recorded, 1);
});
