import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faultCommands, junkDatagrams, THROTTLE_BACKLOG_SECONDS } from '../../environment/faults/network.ts';

const wireSeconds = (datagrams: number, bitsPerSecond: number) => (datagrams * 1042 * 8) / bitsPerSecond;

test('a throttled link is kept busy with queued junk, so an answer sent any time within the horizon waits in line', () => {
  for (const rate of [8, 500, 10_000]) assert.ok(wireSeconds(junkDatagrams(rate), rate) >= THROTTLE_BACKLOG_SECONDS, `${rate} bit/s`);
  const commands = faultCommands({ kind: 'throttle', bitsPerSecond: 500 }, ['172.18.0.3', '172.18.0.4']).join('\n');
  assert.match(commands, /seq 8\); do head -c 1000 \/dev\/zero > \/dev\/udp\/172\.18\.0\.3\/9/);
  assert.equal(commands.match(/\/dev\/udp/g)?.length, 1, 'the peers share one class: one backlog fills it');
  assert.match(commands, /^dev=\$\(ip -o route get 172\.18\.0\.3 /, 'shaped on the interface the peers are reached on, not eth0 by name');
  assert.doesNotMatch(commands, /eth0/);
});

test("at fast rates the backlog stops short of the class's queue, so real packets are delayed, not dropped", () => {
  assert.equal(junkDatagrams(1_000_000_000), 900);
});
