import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster } from 'ioredis';
import { createScriptBatches, MisattributedReplyError } from '../../reference-system/waiting-room/script-batches.ts';
import { isRedisUnavailable } from '../../reference-system/waiting-room/cluster-client.ts';

type Sent = { name: string; args: unknown[] };

/**
 * A cluster client whose pipelines answer what `answer` makes of the commands sent: enough to
 * show what the batches do with the replies ioredis hands back, right or wrong.
 */
function fakeCluster(answer: (sent: Sent[]) => [Error | null, unknown][]) {
  const redis = {
    slots: [],
    nodes: () => [],
    pipeline() {
      const sent: Sent[] = [];
      const pipeline: Record<string, unknown> = {
        queue_status: (...args: unknown[]) => (sent.push({ name: 'status', args }), pipeline),
        queue_enter: (...args: unknown[]) => (sent.push({ name: 'enter', args }), pipeline),
        call: (name: string, ...args: unknown[]) => (sent.push({ name, args }), pipeline),
        exists: (...args: unknown[]) => (sent.push({ name: 'EXISTS', args }), pipeline),
        exec: async () => answer(sent),
      };
      return pipeline;
    },
  };
  return redis as unknown as Cluster;
}
const idOf = (command: Sent) => command.args.at(-1);

test('a script reply comes back with the id of its call, and only then is it passed on', async () => {
  const batches = createScriptBatches(fakeCluster((sent) => sent.map((c) => [null, [idOf(c), ['WAITING', 3]]])));
  assert.deepEqual(await batches.run('queue_status', ['k'], ['e1', 'ann'], false), ['WAITING', 3]);
});

test('a reply handed to the wrong call (ioredis recovering a connection) is refused as "unavailable": 503, never someone else\'s data', async () => {
  // Replies shifted by one: the first call gets another command's integer, the second the first's reply.
  const batches = createScriptBatches(fakeCluster((sent) => [[null, 1], ...sent.slice(0, -1).map((c): [null, unknown] => [null, [idOf(c), ['WAITING', 1]]])]));
  const [ann, ben] = await Promise.allSettled([batches.run('queue_status', ['k'], ['e1', 'ann'], false), batches.run('queue_status', ['k'], ['e2', 'ben'], false)]);
  for (const outcome of [ann, ben]) {
    assert.equal(outcome.status, 'rejected');
    assert.ok((outcome as PromiseRejectedResult).reason instanceof MisattributedReplyError);
    assert.equal(isRedisUnavailable((outcome as PromiseRejectedResult).reason), true);
  }
});

test('a durable batch trusts its WAIT only when the ECHO after it came back as sent', async () => {
  const durable = { replicas: 1, timeoutMs: 100 };
  const good = createScriptBatches(fakeCluster((sent) => sent.map((c) => [null, c.name === 'WAIT' ? 1 : c.name === 'ECHO' ? c.args[0] : [idOf(c), ['NEW']]])), durable);
  assert.deepEqual(await good.run('queue_enter', ['k'], ['ann', 'bits'], true), ['NEW']);
  const shifted = createScriptBatches(fakeCluster((sent) => sent.map((c) => [null, c.name === 'WAIT' ? 1 : c.name === 'ECHO' ? 'something else' : [idOf(c), ['NEW']]])), durable);
  await assert.rejects(shifted.run('queue_enter', ['k'], ['ann', 'bits'], true), MisattributedReplyError);
});

test("calls of one slot in one turn share a pipeline, and each carries its own keys (a slot's scripts may take different ones)", async () => {
  const seen: Sent[] = [];
  const batches = createScriptBatches(fakeCluster((sent) => (seen.push(...sent), sent.map((c) => [null, [idOf(c), ['OK']]]))));
  await Promise.all([batches.run('queue_status', ['k:policy', 'k:waiting'], ['e1'], false), batches.run('queue_enter', ['k:policy', 'k:waiting', 'k:journal'], ['ann'], false)]);
  assert.deepEqual(seen.map((c) => c.args.slice(0, -1)), [['k:policy', 'k:waiting', 'e1'], ['k:policy', 'k:waiting', 'k:journal', 'ann']]);
});
