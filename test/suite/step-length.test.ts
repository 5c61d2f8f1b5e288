import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

// Steps read like the business: a step translates its Gherkin into a few calls on the driver
// layer and an assertion (docs/steps.md). A Given/When/Then body longer than MAX_LINES lines must
// be named, with its reason, in docs/steps.md's section "Long steps, and why"; the section may
// name only steps that exist and are long.
//
// How lines are counted: the non-blank lines between the body's opening `{` and its closing `}`
// (comments count, as they do for a reader; a comment about the whole step can stand above it).
// `async function (...) {` and `});` are not counted, so a body of one statement is 1 line.
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MAX_LINES = 5;
const SECTION = 'Long steps, and why';
const DOC = 'docs/steps.md';

export type StepBody = { file: string; pattern: string; line: number; lines: number };

// ---- Reading step definitions ---------------------------------------------------------------

/**
 * Every Given/When/Then call at the top level of `source`, with its pattern (a string literal)
 * and the length of its function's body. A small scanner, not a parser: it skips strings,
 * template literals, comments and regular expressions so their braces are not counted, and
 * fails loudly on a step it cannot read rather than passing it unseen.
 */
export function stepBodies(source: string, file: string): StepBody[] {
  const tokens = scan(source);
  const steps: StepBody[] = [];
  const lineOf = (offset: number) => source.slice(0, offset).split('\n').length;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.depth !== 0 || !/^(Given|When|Then)$/.test(t.text) || tokens[i + 1]?.text !== '(' || tokens[i - 1]?.text === '.') continue;
    const where = `${file}:${lineOf(t.start)}`;
    const patternToken = tokens[i + 2];
    if (patternToken?.kind !== 'string') throw new Error(`${where}: a ${t.text} whose pattern is not a string literal; this check reads only those`);
    // The body: the `{` after the function's parameter list, or after `=>`.
    let j = i + 3;
    const callDepth = tokens[i + 1].depth + 1;
    let open: Token | undefined;
    for (; j < tokens.length && !(tokens[j].text === ')' && tokens[j].depth === 0); j++) {
      const u = tokens[j];
      if (u.depth !== callDepth) continue;
      if (u.text === '=>' && tokens[j + 1]?.text === '{') open = tokens[j + 1];
      if (u.text === 'function') {
        let k = j + 1;
        while (k < tokens.length && tokens[k].text !== '(') k++;
        const paramsDepth = tokens[k].depth;
        k++;
        while (k < tokens.length && !(tokens[k].text === ')' && tokens[k].depth === paramsDepth)) k++;
        while (k < tokens.length && tokens[k].text !== '{') k++;
        open = tokens[k];
      }
      if (open) break;
    }
    if (!open) throw new Error(`${where}: a ${t.text} without a function body in braces; this check reads only those`);
    const close = tokens.find((u) => u.start > open.start && u.text === '}' && u.depth === open.depth);
    if (!close) throw new Error(`${where}: the body of this ${t.text} never closes`);
    const lines = source
      .slice(open.start + 1, close.start)
      .split('\n')
      .filter((line) => line.trim() !== '').length;
    steps.push({ file, pattern: patternToken.value!, line: lineOf(t.start), lines });
  }
  return steps;
}

type Token = { text: string; kind: 'punct' | 'word' | 'string' | 'template'; start: number; depth: number; value?: string };

/** Words and punctuation with their nesting depth (of (), [], {} and `${}`); strings as one token. */
function scan(source: string): Token[] {
  const tokens: Token[] = [];
  const stack: string[] = [];
  let i = 0;
  const push = (text: string, kind: Token['kind'], start: number, value?: string) => tokens.push({ text, kind, start, depth: stack.length, value });
  /** Whether a `/` here starts a regular expression (after an operator, an opening, or a keyword), not a division. */
  const regexAllowed = () => {
    const prev = tokens.at(-1);
    if (!prev) return true;
    if (prev.kind === 'string' || prev.kind === 'template') return false;
    if (prev.kind === 'word') return /^(return|typeof|case|in|of|void|delete|throw|new|await|yield)$/.test(prev.text);
    return !/^[)\]}]$/.test(prev.text);
  };
  const skipQuoted = (quote: string): string => {
    let value = '';
    i++;
    while (i < source.length && source[i] !== quote) {
      if (source[i] === '\\') {
        value += source[i + 1];
        i += 2;
      } else value += source[i++];
    }
    i++;
    return value;
  };
  /** Reads template text up to its end or a `${`; returns which. */
  const templateText = (): 'end' | 'hole' => {
    while (i < source.length) {
      if (source[i] === '\\') i += 2;
      else if (source[i] === '`') return i++, 'end';
      else if (source[i] === '$' && source[i + 1] === '{') return (i += 2), 'hole';
      else i++;
    }
    throw new Error('a template literal never closes');
  };
  while (i < source.length) {
    const c = source[i];
    const start = i;
    if (/\s/.test(c)) i++;
    else if (source.startsWith('//', i)) i = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
    else if (source.startsWith('/*', i)) i = source.indexOf('*/', i + 2) + 2;
    else if (c === "'" || c === '"') {
      const value = skipQuoted(c);
      push(source.slice(start, i), 'string', start, value);
    } else if (c === '`') {
      push('`', 'template', start);
      i++;
      if (templateText() === 'hole') stack.push('${');
    } else if (c === '/' && regexAllowed()) {
      i++;
      let inClass = false;
      while (i < source.length && (inClass || source[i] !== '/')) {
        if (source[i] === '\\') i++;
        else if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (/[a-z]/.test(source[i] ?? '')) i++;
      push('/regex/', 'punct', start);
    } else if (/[A-Za-z_$0-9]/.test(c)) {
      while (i < source.length && /[A-Za-z_$0-9]/.test(source[i])) i++;
      push(source.slice(start, i), 'word', start);
    } else if (source.startsWith('=>', i)) {
      push('=>', 'punct', start);
      i += 2;
    } else if ('([{'.includes(c)) {
      push(c, 'punct', start);
      stack.push(c);
      i++;
    } else if (')]}'.includes(c)) {
      const opened = stack.pop();
      if (c === '}' && opened === '${') {
        // Back in the template literal: read on to its end or its next hole.
        i++;
        if (templateText() === 'hole') stack.push('${');
        continue;
      }
      push(c, 'punct', start);
      i++;
    } else {
      push(c, 'punct', start);
      i++;
    }
  }
  return tokens;
}

// ---- What docs/steps.md says ------------------------------------------------------------------

/**
 * The steps the section names, each with its reason. A step is one list item: its file and its
 * pattern, each in backticks, then " — " and why: "- `steps/x.steps.ts` `{fan} does it` — why".
 * Keyed as `file:pattern`.
 */
export function listedLongSteps(markdown: string): Map<string, string> {
  const start = markdown.search(new RegExp(`^## ${SECTION}\\s*$`, 'm'));
  if (start === -1) throw new Error(`${DOC} has no section "## ${SECTION}"`);
  const rest = markdown.slice(start).split('\n').slice(1);
  const end = rest.findIndex((line) => /^## /.test(line));
  const listed = new Map<string, string>();
  for (const line of end === -1 ? rest : rest.slice(0, end)) {
    const item = /^- `([^`]+)` `([^`]+)` — (.+)$/.exec(line);
    if (!item) {
      if (/^- /.test(line)) throw new Error(`${DOC}, "${SECTION}": a line not written as "- \`file\` \`pattern\` — reason": ${line}`);
      continue;
    }
    const key = keyOf({ file: item[1], pattern: item[2] });
    if (listed.has(key)) throw new Error(`${DOC}, "${SECTION}": ${shown(key)} is named twice`);
    listed.set(key, item[3].trim());
  }
  return listed;
}

// ---- The verdict ---------------------------------------------------------------------------------

export const keyOf = (step: Pick<StepBody, 'file' | 'pattern'>) => `${step.file}:${step.pattern}`;

/** A key as the section writes it: `file` `pattern`. */
const shown = (key: string) => {
  const at = key.indexOf(':');
  return `\`${key.slice(0, at)}\` \`${key.slice(at + 1)}\``;
};

/** Long steps the section does not name, and names the section has for steps not long or gone. */
export function lengthProblems(steps: StepBody[], listed: Map<string, string>): string[] {
  const problems: string[] = [];
  const byKey = new Map(steps.map((step) => [keyOf(step), step]));
  for (const step of steps) {
    if (step.lines > MAX_LINES && !listed.has(keyOf(step))) {
      problems.push(`${step.file}:${step.line} "${step.pattern}" has ${step.lines} lines (at most ${MAX_LINES}): move its logic into the driver, or say in ${DOC} ("${SECTION}") why it is long`);
    }
  }
  for (const [key, reason] of listed) {
    const step = byKey.get(key);
    if (!step) problems.push(`${DOC} ("${SECTION}") names ${shown(key)}, which is no step definition`);
    else if (step.lines <= MAX_LINES) problems.push(`${DOC} ("${SECTION}") names ${shown(key)}, which has only ${step.lines} line${step.lines === 1 ? '' : 's'} now: take it off the list`);
    else if (reason.length === 0) problems.push(`${DOC} ("${SECTION}") names ${shown(key)} without a reason`);
  }
  return problems;
}

function stepFiles(): string[] {
  return readdirSync(path.join(ROOT, 'steps'))
    .filter((name) => name.endsWith('.ts'))
    .sort()
    .map((name) => `steps/${name}`);
}

const allSteps = () => stepFiles().flatMap((file) => stepBodies(readFileSync(path.join(ROOT, file), 'utf8'), file));

// ---- The tests ---------------------------------------------------------------------------------

test(`every step longer than ${MAX_LINES} lines is named in ${DOC} with its reason, and only those`, () => {
  const steps = allSteps();
  const listed = listedLongSteps(readFileSync(path.join(ROOT, DOC), 'utf8'));
  const long = steps.filter((step) => step.lines > MAX_LINES);
  console.log(`step definitions: ${steps.length}; longer than ${MAX_LINES} lines: ${long.length}, each named in ${DOC}`);
  assert.deepEqual(lengthProblems(steps, listed), []);
});

test('the scanner finds every step definition cucumber finds, with the same pattern', () => {
  // Otherwise a step the scanner misread would escape the rule unseen.
  const dir = mkdtempSync(path.join(tmpdir(), 'step-length-'));
  try {
    const usageFile = path.join(dir, 'usage.json');
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), '--dry-run', '--format', `usage-json:${usageFile}`],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, E2E_TARGET: '' } },
    );
    assert.equal(run.status, 0, `the dry run failed:\n${run.stdout}\n${run.stderr}`);
    const usage: { pattern: string; uri: string }[] = JSON.parse(readFileSync(usageFile, 'utf8'));
    const known = usage.map((d) => `${d.uri}:${d.pattern}`).sort();
    assert.deepEqual(allSteps().map(keyOf).sort(), known);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a planted long step that is not listed is reported, and so are listings of steps short or gone', () => {
  const planted = [
    "import { Given, Then, When } from '@cucumber/cucumber';",
    "const re = /[{'\"`]/; // braces in a regex, a comment {",
    'Given("a short step\'s \\"pattern\\"", async function (this: unknown, n: number) {',
    '  await go(`${n} {`);',
    '});',
    '',
    "When('a long step with a {word}', { timeout: 1000 }, async function (this: unknown, word: string) {",
    '  const a = 1;',
    '',
    '  const b = `${word} ${`${a}`}}`;',
    "  const c = '}';",
    '  // a comment counts',
    '  if (a) {',
    '    go(b, c);',
    '  }',
    '});',
    '',
    'Then(',
    "  'a long step written on several lines',",
    '  async (x: { y: number }): Promise<void> => {',
    ...Array.from({ length: 6 }, (_, i) => `    go(${i});`),
    '  },',
    ');',
  ].join('\n');
  const steps = stepBodies(planted, 'steps/planted.steps.ts');
  assert.deepEqual(
    steps.map(({ pattern, lines }) => [pattern, lines]),
    [
      ['a short step\'s "pattern"', 1],
      ['a long step with a {word}', 7],
      ['a long step written on several lines', 6],
    ],
  );
  const doc = [
    '# Steps',
    `## ${SECTION}`,
    '',
    '- `steps/planted.steps.ts` `a long step written on several lines` — a table is the assertion',
    '- `steps/planted.steps.ts` `a short step\'s "pattern"` — once long',
    '- `steps/planted.steps.ts` `a step that is gone` — once there',
    '## Next',
    '- `steps/planted.steps.ts` `a long step with a {word}` — not in the section',
  ].join('\n');
  const problems = lengthProblems(steps, listedLongSteps(doc));
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.match(problems[0], /^steps\/planted\.steps\.ts:7 "a long step with a \{word\}" has 7 lines/);
  assert.match(problems[1], /names `steps\/planted\.steps\.ts` `a short step's "pattern"`, which has only 1 line now/);
  assert.match(problems[2], /names `steps\/planted\.steps\.ts` `a step that is gone`, which is no step definition/);
  assert.throws(() => listedLongSteps(`## ${SECTION}\n- \`a\` \`b\` — one\n- \`a\` \`b\` — two\n`), /named twice/);
  assert.throws(() => listedLongSteps(`## ${SECTION}\n- \`a:b\` — the old form\n`), /a line not written as/);
});
