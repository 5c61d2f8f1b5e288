import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { headingSlugs, missingPaths, pathsNamedIn, topLevelNames } from './doc-paths.ts';

// A newcomer follows the documents to the code: every repository path they name must exist, and
// every link to a section must find its heading. What counts as a path: ./doc-paths.ts.
const ROOT = path.resolve(import.meta.dirname, '..', '..');

const DOCUMENTS = ['README.md', 'lua/README.md', 'reports/README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

test('every path the documents name exists, and every section they link to', () => {
  const topLevel = topLevelNames(ROOT);
  const problems = DOCUMENTS.flatMap((doc) => missingPaths(ROOT, doc, pathsNamedIn(readFileSync(path.join(ROOT, doc), 'utf8'), doc, topLevel)));
  assert.ok(problems.length === 0, `documents name what is not there:\n${problems.join('\n')}`);
});

// ---- what counts as a path ------------------------------------------------------------------

const TOP = new Set(['scripts', 'features', 'docs', 'reports', 'test', 'lua', '.github', 'README.md', 'Dockerfile']);
const named = (markdown: string, doc = 'docs/sample.md') => pathsNamedIn(markdown, doc, TOP).map((p) => p.path + (p.anchor ? `#${p.anchor}` : ''));

test('a planted bad path is reported, with its document and line', () => {
  const sample = 'Intro.\n\nThe stack starts from `scripts/stack.ts` and `scripts/no-such-file.ts`.\n';
  assert.deepEqual(missingPaths(ROOT, 'docs/sample.md', pathsNamedIn(sample, 'docs/sample.md', TOP)), ['docs/sample.md:3: scripts/no-such-file.ts: no such file or folder']);
});

test('backticked tokens that start with a top-level entry are paths; other slashes are not', () => {
  assert.deepEqual(named('`npx cucumber-js features/seat-race.feature:6`, `application/json`, `queue:{c}:seq`, `ticket-rush/queue`, `Dockerfile`, `.github/workflows/e2e.yml`'), [
    'features/seat-race.feature',
    'Dockerfile',
    '.github/workflows/e2e.yml',
  ]);
});

test('anchors and line suffixes come off; a link is read from the document\'s folder; web addresses are not paths', () => {
  assert.deepEqual(named('See [the gate](report.md#the-gate-one-exit-code), [up](../lua/README.md), [here](#intro), [web](https://example.com/scripts/x.ts), `scripts/load.ts:46`.'), [
    'docs/report.md#the-gate-one-exit-code',
    'lua/README.md',
    'docs/sample.md#intro',
    'scripts/load.ts',
  ]);
  assert.deepEqual(named('[api](docs/api.md)', 'README.md'), ['docs/api.md']);
});

test('code blocks count token by token, and a code span may wrap onto the next line', () => {
  assert.deepEqual(named('```bash\neval "$(sudo bash scripts/provision.sh)"\n# not a heading\n```\nRun `node\nscripts/run-tests.ts fast`.'), ['scripts/provision.sh', 'scripts/run-tests.ts']);
  const [wrapped] = pathsNamedIn('one\n`node\nscripts/run-tests.ts`', 'docs/sample.md', TOP);
  assert.equal(wrapped.line, 3);
});

test('a placeholder or glob needs only the folder before it; reports/ is generated and not checked', () => {
  const sample = '`test/mutants/<name>.patch`, `lua/*.lua`, `features/booking-*.feature`, `scripts/no-such-folder/<name>.ts`, `reports/html/index.html`';
  assert.deepEqual(missingPaths(ROOT, 'docs/sample.md', pathsNamedIn(sample, 'docs/sample.md', TOP)), [
    'docs/sample.md:1: scripts/no-such-folder/<name>.ts: no folder scripts/no-such-folder/ (the fixed part before the placeholder)',
  ]);
});

test('a link to a heading that is not there is reported', () => {
  const sample = '[gate](report.md#the-gate-one-exit-code) [gone](report.md#no-such-section) [out](../../elsewhere.md)';
  assert.deepEqual(missingPaths(ROOT, 'docs/sample.md', pathsNamedIn(sample, 'docs/sample.md', TOP)), [
    'docs/sample.md:1: report.md#no-such-section: no heading #no-such-section in docs/report.md',
    'docs/sample.md:1: ../../elsewhere.md: points outside the repository',
  ]);
});

test('the README\'s folder table names top-level folders, so a path under a folder that moved away still counts', () => {
  const names = topLevelNames(ROOT);
  for (const folder of ['features', 'steps', 'support', 'reference-system', 'lua', 'environment', 'scripts', 'load', 'test']) assert.ok(names.has(folder), folder);
});

test('headings get GitHub\'s anchors', () => {
  const slugs = headingSlugs('# Additions for [room] (v1.1): push, extension\n## The suite\'s wall time\n## Notes\n## Notes\n```\n# a comment\n```\n');
  assert.deepEqual([...slugs], ['additions-for-room-v11-push-extension', 'the-suites-wall-time', 'notes', 'notes-1']);
});
