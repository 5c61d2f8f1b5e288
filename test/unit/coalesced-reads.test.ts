import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalescedReads } from '../../reference-system/core/coalesced-reads.ts';

/** A read whose completion the test controls; `started` counts reads per key. */
function controlledReads() {
  const pending: { key: string; n: number; finish: (fail?: boolean) => void }[] = [];
  const started = new Map<string, number>();
  const read = (key: string) => {
    const n = (started.get(key) ?? 0) + 1;
    started.set(key, n);
    return new Promise<string>((resolve, reject) => {
      pending.push({ key, n, finish: (fail) => (fail ? reject(new Error(`read ${key}#${n} failed`)) : resolve(`${key}#${n}`)) });
    });
  };
  const finishNext = async (fail?: boolean) => {
    pending.shift()!.finish(fail);
    // Let the joiners' continuations (and the next read's start) run.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { read, started, finishNext, pending };
}

test('a rush of reads of one key costs two reads, and each answer was read after it was asked', async () => {
  const c = controlledReads();
  const get = coalescedReads(c.read);
  const first = get('k');
  const rush = Array.from({ length: 1000 }, () => get('k'));
  assert.equal(c.started.get('k'), 1, 'the rush waits for the running read instead of starting its own');
  await c.finishNext();
  assert.equal(await first, 'k#1');
  assert.equal(c.started.get('k'), 2, 'one read starts for the whole rush once the first one ended');
  await c.finishNext();
  assert.deepEqual(new Set(await Promise.all(rush)), new Set(['k#2']), 'the rush shares the read that started after it arrived');
});

test('a read asked after another started never gets that older answer', async () => {
  const c = controlledReads();
  const get = coalescedReads(c.read);
  const early = get('k');
  const late = get('k');
  await c.finishNext();
  assert.equal(await early, 'k#1');
  await c.finishNext();
  assert.equal(await late, 'k#2');
});

test('keys do not wait for each other', async () => {
  const c = controlledReads();
  const get = coalescedReads(c.read);
  const a = get('a');
  const b = get('b');
  assert.equal(c.pending.length, 2);
  await c.finishNext();
  await c.finishNext();
  assert.deepEqual([await a, await b], ['a#1', 'b#1']);
});

test('a failed read fails its joiners only; the next request reads again', async () => {
  const c = controlledReads();
  const get = coalescedReads(c.read);
  const first = get('k');
  const joined = get('k');
  await c.finishNext(true);
  await assert.rejects(first, /k#1 failed/);
  await c.finishNext(true);
  await assert.rejects(joined, /k#2 failed/);
  const after = get('k');
  await c.finishNext();
  assert.equal(await after, 'k#3');
});
