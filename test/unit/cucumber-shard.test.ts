import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dealtTo, parseShard, shardOfThisRun, withoutShard } from '../../environment/cucumber-shard.ts';

describe('environment/cucumber-shard.ts: the shard a cucumber run is', () => {
  it('reads INDEX/TOTAL and refuses an index cucumber would silently run nothing for', () => {
    assert.deepEqual(parseShard('2/3'), { index: 2, total: 3 });
    assert.equal(parseShard(''), undefined);
    for (const wrong of ['0/3', '4/3', '1/0', '2of3', '-1/3']) assert.throws(() => parseShard(wrong), /expected INDEX\/TOTAL with 1 ≤ INDEX ≤ TOTAL/, wrong);
  });

  it('deals scenarios round-robin, as cucumber does', () => {
    assert.deepEqual([1, 2, 3].map((index) => dealtTo({ index, total: 3 }, 150)), [50, 50, 50]);
    assert.deepEqual([1, 2, 3].map((index) => dealtTo({ index, total: 3 }, 11)), [4, 4, 3]);
    assert.deepEqual([1, 2, 3, 4].map((index) => dealtTo({ index, total: 4 }, 2)), [1, 1, 0, 0]);
  });

  it('drops --shard from the arguments every shard shares, in either spelling', () => {
    assert.deepEqual(withoutShard(['--shard', '1/3', '--tags', '@smoke']), ['--tags', '@smoke']);
    assert.deepEqual(withoutShard(['--tags', '@smoke', '--shard=2/3']), ['--tags', '@smoke']);
  });

  it('resolves the shard from a command line as cucumber does, with the size of the filtered suite', async () => {
    assert.equal(await shardOfThisRun(['node', 'cucumber-js', '--tags', '@smoke']), undefined);
    const smoke = await shardOfThisRun(['node', 'cucumber-js', '--shard', '2/2', '--tags', '@smoke']);
    assert.ok(smoke && smoke.suite >= 2, JSON.stringify(smoke));
    assert.deepEqual(smoke, { index: 2, total: 2, suite: smoke.suite, dealt: Math.floor(smoke.suite / 2) });
    await assert.rejects(shardOfThisRun(['node', 'cucumber-js', '--shard', '3/2']), /--shard 3\/2/);
  });
});
