import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mergeShards } from '../../scripts/report/merge-shards.ts';
import { renderReports } from '../../scripts/report/render-reports.ts';
import { readScenarioResults, type ScenarioResult } from '../../scripts/report/scenario-results.ts';
import type { RunMetadata } from '../../environment/run-metadata.ts';
import { startFixtureServer, type FixtureServer } from './fixture-server.ts';
import { runFixtureSuite, type FixtureRun } from './run-fixture-suite.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FAILING = 'test/fixtures/report-suite/features/reporting.feature: A failing status check shows the exchange that failed';

const tempDir = (name: string) => mkdtempSync(path.join(os.tmpdir(), `${name}-`));
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const headings = (summary: string) => summary.split('\n').filter((line) => line.startsWith('#')).map((line) => line.replace(/\d+/g, 'N'));

/** `npm run report:merge -- --reports DIR SHARDS...`, as a person or the workflow runs it. */
function reportMerge(reportsDir: string, shardDirs: string[]) {
  const run = spawnSync(process.execPath, ['scripts/report/report-merge.ts', '--reports', reportsDir, ...shardDirs], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  return { code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

/**
 * The fixture suite run whole, and as 3 shards one after another through the report formatter
 * (as `npx cucumber-js --shard i/3` runs the real suite), then merged with report:merge.
 */
describe('a sharded run, merged', () => {
  let server: FixtureServer;
  let whole: FixtureRun;
  const shards: FixtureRun[] = [];
  let shardedDir: string;
  let shardDirs: string[];
  let mergedDir: string;
  let merge: ReturnType<typeof reportMerge>;
  const scratch: string[] = [];

  before(async () => {
    server = await startFixtureServer();
    whole = await runFixtureSuite({ asE2e: true, server });
    shardedDir = tempDir('sharded-run');
    for (const index of [1, 2, 3]) shards.push(await runFixtureSuite({ asE2e: true, server, reportsDir: shardedDir, args: ['--shard', `${index}/3`] }));
    shardDirs = [1, 2, 3].map((index) => path.join(shardedDir, 'shards', `${index}-of-3`));
    mergedDir = tempDir('merged-run');
    merge = reportMerge(mergedDir, shardDirs);
  });
  after(async () => {
    await server.close();
    for (const dir of [whole.reportsDir, shardedDir, mergedDir, ...scratch]) rmSync(dir, { recursive: true, force: true });
  });

  const scratchDir = (name: string) => {
    const dir = tempDir(name);
    scratch.push(dir);
    return dir;
  };
  /** A copy of shard `index`'s output with its run.json (and messages) edited. */
  const tampered = (index: number, edit: (meta: RunMetadata) => void, messages?: (text: string) => string) => {
    const dir = path.join(scratchDir('tampered-shard'), `${index}-of-3`);
    cpSync(shardDirs[index - 1], dir, { recursive: true });
    const meta = readJson(path.join(dir, 'run.json')) as RunMetadata;
    edit(meta);
    writeFileSync(path.join(dir, 'run.json'), JSON.stringify(meta));
    if (messages) writeFileSync(path.join(dir, 'messages.ndjson'), messages(readFileSync(path.join(dir, 'messages.ndjson'), 'utf8')));
    return dir;
  };
  const shardResults = (index: number) => readScenarioResults(path.join(shardDirs[index - 1], 'messages.ndjson'));
  const shardOf = (key: string) => [1, 2, 3].find((index) => shardResults(index).scenarios.some((s) => s.key === key));

  it('leaves each shard an output of its own and no history entry, summary or gate verdict', () => {
    for (const dir of shardDirs) {
      assert.deepEqual(readdirSync(dir).sort(), ['json', 'logs', 'messages.ndjson', 'run.json']);
      assert.ok(readJson(path.join(dir, 'run.json')).shard, `${dir}/run.json has no shard`);
    }
    for (const absent of ['history', 'results.json', 'summary.md', 'html']) assert.ok(!existsSync(path.join(shardedDir, absent)), `a shard wrote ${absent}`);
    assert.match(shards[0].output, /shard 1\/3: no history entry and no gate verdict of its own; once every shard has run: npm run report:merge /);
  });

  it('exits non-zero from a shard only when its own scenarios failed', () => {
    const failingShard = shardOf(FAILING);
    assert.ok(failingShard, 'the failing scenario ran in no shard');
    assert.deepEqual(
      shards.map((run) => run.exitCode),
      [1, 2, 3].map((index) => (index === failingShard ? 1 : 0)),
      shards.map((run) => run.output).join('\n'),
    );
  });

  it('counts what each shard was dealt: round-robin, 11 scenarios in all', () => {
    const dealt = shardDirs.map((dir) => (readJson(path.join(dir, 'run.json')) as RunMetadata).shard!);
    assert.deepEqual(dealt.map((shard) => [shard.dealt, shard.suite]), [[4, 11], [4, 11], [3, 11]]);
    assert.deepEqual([1, 2, 3].map((index) => shardResults(index).scenarios.length), [4, 4, 3]);
  });

  it('merges into the scenarios and outcomes of the unsharded run', () => {
    const outcomes = (dir: string) =>
      Object.fromEntries(Object.entries(readJson(path.join(dir, 'results.json')).scenarios as Record<string, { status: string; flaky: boolean }>).map(([key, s]) => [key, `${s.status}${s.flaky ? ' flaky' : ''}`]));
    assert.equal(Object.keys(outcomes(mergedDir)).length, 11);
    assert.deepEqual(outcomes(mergedDir), outcomes(whole.reportsDir));
    assert.equal(readJson(path.join(mergedDir, 'results.json')).partial, false, 'the merged run is whole, not filtered');
  });

  it('writes one JUnit, one cucumber JSON and one message stream with every scenario', () => {
    const junit = (dir: string) => {
      const xml = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
      return { suite: xml.match(/<testsuite name="[^"]+"[^>]*? tests="\d+" skipped="\d+" failures="\d+" errors="\d+"/)?.[0].replace(/ time="[^"]+"/, ''), cases: [...xml.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => `${m[1]}: ${m[2]}`).sort() };
    };
    assert.deepEqual(junit(mergedDir), junit(whole.reportsDir));
    const elements = (dir: string) =>
      (readJson(path.join(dir, 'json', 'cucumber.json')) as { uri: string; elements: { line: number }[] }[]).flatMap((f) => f.elements.map((e) => `${f.uri}:${e.line}`)).sort();
    assert.deepEqual(elements(mergedDir), elements(whole.reportsDir));
    assert.equal(readScenarioResults(path.join(mergedDir, 'messages.ndjson')).scenarios.length, 11);
  });

  it('renders one summary, report and history entry of the same form as an unsharded run, with the shards listed', () => {
    const summary = readFileSync(path.join(mergedDir, 'summary.md'), 'utf8');
    const wholeSummary = readFileSync(path.join(whole.reportsDir, 'summary.md'), 'utf8');
    assert.equal(summary.split('\n')[0], wholeSummary.split('\n')[0]);
    assert.deepEqual(headings(summary), [...headings(wholeSummary), '### Shards (N)']);
    assert.match(summary, /wall time [\d.]+ m?s, the longest of 3 shards \([\d.]+ m?s summed; cucumber [\d.]+ m?s from the first shard's start to the last one's end\)/);
    assert.match(summary, /\| 1\/3 \| 4 \| \d \| [\d.]+ m?s \| [01] \| \S+ \| \S+ \|/);
    assert.ok(existsSync(path.join(mergedDir, 'html', 'index.html')) && existsSync(path.join(mergedDir, 'html', 'trends.html')));
    assert.match(readFileSync(path.join(mergedDir, 'html', 'index.html'), 'utf8'), /1\/3: 4 scenarios, [\d.]+ m?s, exit [01]/);

    const history = readdirSync(path.join(mergedDir, 'history'));
    assert.equal(history.length, 1, 'one history entry for the merged run');
    const entry = readJson(path.join(mergedDir, 'history', history[0]));
    const wholeEntry = readJson(path.join(whole.reportsDir, 'history', readdirSync(path.join(whole.reportsDir, 'history'))[0]));
    assert.deepEqual(Object.keys(entry).sort(), Object.keys(wholeEntry).sort());
    assert.deepEqual(Object.keys(entry.run).sort(), Object.keys(wholeEntry.run).sort());
    assert.deepEqual(entry.run.cucumberArgs, wholeEntry.run.cucumberArgs, 'the merged run names the arguments without --shard');
  });

  it('fails the merged gate on a failure in one shard, naming the scenario and its shard', () => {
    const shard = `${shardOf(FAILING)}/3`;
    assert.equal(merge.code, 1, merge.stdout + merge.stderr);
    assert.match(merge.stdout, new RegExp(`gate: failing: ${FAILING}, in shard ${shard} \\(no baseline to compare with\\): Expected values to be strictly equal`));
    assert.match(merge.stdout, new RegExp(`shard ${shard}: cucumber's own verdict failed \\(exit code 1\\)`));
    const summary = readFileSync(path.join(mergedDir, 'summary.md'), 'utf8');
    assert.match(summary, new RegExp(`- failing: ${FAILING}, in shard ${shard} `));
    assert.match(summary, new RegExp(`\\| A failing status check shows the exchange that failed \\| \`test/fixtures/report-suite/features/reporting.feature:10\` shard ${shard} \\|`));
  });

  it('keeps @serial scenarios alone within their shard', () => {
    const overlaps = (a: ScenarioResult, b: ScenarioResult) => a.startedAtMs < b.finishedAtMs && b.startedAtMs < a.finishedAtMs;
    let serialSeen = 0;
    for (const index of [1, 2, 3]) {
      const all = shardResults(index).scenarios;
      for (const serial of all.filter((s) => s.tags.includes('@serial'))) {
        serialSeen++;
        const beside = all.filter((other) => other !== serial && overlaps(serial, other)).map((other) => other.name);
        assert.deepEqual(beside, [], `in shard ${index}/3, ${serial.name} overlapped ${beside.join(', ')}`);
      }
    }
    assert.equal(serialSeen, 2);
  });

  it('re-renders the merged run (npm run report) with the shards named and still one history entry', async () => {
    const rendered = await renderReports(mergedDir);
    assert.equal(rendered.history.length, 1);
    assert.equal(rendered.results.scenarios.find((s) => s.key === FAILING)?.shard, `${shardOf(FAILING)}/3`);
  });

  it('fails the merged run on a secret a shard found in its own output, naming the shard', () => {
    const leaked = tampered(3, (m) => (m.secretLeaks = [{ what: 'admin token', file: 'logs/core.log', line: 7 }]));
    const run = reportMerge(scratchDir('leaked-merge'), [...shardDirs.slice(0, 2), leaked]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^ {2}SECRET IN OUTPUT: shard 3\/3: admin token in logs\/core\.log:7$/m);
  });

  it("refuses to report one shard's reports as a run", async () => {
    await assert.rejects(renderReports(shardedDir), /holds shard 3\/3 of a sharded run, not a whole run: merge every shard's output first \(npm run report:merge .*shards\/\*\)/);
  });

  describe('refuses a set of shards that is not one whole run, saying why', () => {
    const refused = (dirs: string[], reason: RegExp) => assert.rejects(mergeShards(dirs, scratchDir('refused-merge')), (error: Error) => (assert.match(error.message, reason), true));

    it('a missing shard, with exit code 2 and nothing written', () => {
      const dir = scratchDir('refused-merge');
      const run = reportMerge(dir, shardDirs.slice(0, 2));
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /report:merge: refused: not one whole run, so not merged:\n {2}- shard 3\/3 is missing: a merged run needs every shard from 1\/3 to 3\/3/);
      assert.deepEqual(readdirSync(dir), []);
    });

    it('a shard given twice', () => refused([...shardDirs, tampered(1, () => {})], /shard 1\/3 is given 2 times/));

    it('shards cut for another total', () => refused([...shardDirs.slice(0, 2), tampered(3, (m) => (m.shard!.total = 4))], /the shards were cut for different totals/));

    it('a shard of another commit', () =>
      refused([...shardDirs.slice(0, 2), tampered(3, (m) => (m.commit = 'another0commit'))], /the shards differ in their commit: [0-9a-f]+ in 1\/3, 2\/3; another0commit in 3\/3/));

    it('a shard run with other arguments', () =>
      refused([...shardDirs.slice(0, 2), tampered(3, (m) => m.cucumberArgs!.push('--tags', '@smoke'))], /the shards differ in their cucumber arguments apart from --shard/));

    it('a shard that ran other features', () =>
      refused(
        [...shardDirs.slice(0, 2), tampered(3, () => {}, (text) => text.replace('Ordinary scenario 4', 'Ordinary scenario four'))],
        /shard 3\/3 ran other features or support code than shard 1\/3: source test\/fixtures\/report-suite\/features\/scheduling.feature differs/,
      ));

    it('a shard that stopped before its scenarios', () =>
      refused([...shardDirs.slice(0, 2), tampered(3, (m) => (m.shard!.dealt = 5))], /shard 3\/3 ran 3 of the 5 scenarios dealt to it \(cucumber exit code 0; its log says why\): run that shard again, then merge/));

    it('a folder that is not a shard output', () => refused([...shardDirs, whole.reportsDir], /is not a shard's output: its run.json has no "shard"/));
  });
});
