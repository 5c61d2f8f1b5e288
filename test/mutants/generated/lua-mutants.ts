/**
 * Mutants of the Lua scripts (lua/*.lua, lua/lib/common.lua), which Stryker cannot parse,
 * made by three operators of our own, on code only (never inside a string or a comment):
 *   - a comparison flipped: `<` ↔ `<=`, `>` ↔ `>=`, `==` ↔ `~=`;
 *   - a number off by one: each numeric literal n becomes n + 1 and n - 1;
 *   - a call removed: a statement that is a bare `redis.call(…)` (its value unused) is dropped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type LuaMutant = {
  /** Stable for the same sources: `lua:<file>:<line>:<column>:<operator>:<replacement>`. */
  id: string;
  file: string;
  line: number;
  column: number;
  mutator: 'ComparisonFlipped' | 'NumberOffByOne' | 'CallRemoved';
  original: string;
  replacement: string;
  /** The whole file with the mutant in it. */
  mutatedSource: string;
};

export function luaFiles(root: string): string[] {
  const top = readdirSync(path.join(root, 'lua')).filter((f) => f.endsWith('.lua')).map((f) => `lua/${f}`);
  const lib = readdirSync(path.join(root, 'lua/lib')).filter((f) => f.endsWith('.lua')).map((f) => `lua/lib/${f}`);
  return [...top, ...lib].sort();
}

type Token = { kind: 'op' | 'number' | 'name' | 'string' | 'other'; text: string; start: number };

/** Lua's tokens outside strings and comments (enough of Lua's lexical grammar for these scripts). */
export function codeTokens(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const longBracket = (at: number) => /^\[(=*)\[/.exec(source.slice(at));
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) i++;
    else if (source.startsWith('--', i)) {
      const long = longBracket(i + 2);
      if (long) i = source.indexOf(`]${long[1]}]`, i) + long[1].length + 2;
      else {
        const eol = source.indexOf('\n', i);
        i = eol === -1 ? source.length : eol;
      }
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      tokens.push({ kind: 'string', text: source.slice(i, j + 1), start: i });
      i = j + 1;
    } else if (longBracket(i)) {
      const long = longBracket(i)!;
      const end = source.indexOf(`]${long[1]}]`, i) + long[1].length + 2;
      tokens.push({ kind: 'string', text: source.slice(i, end), start: i });
      i = end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)/.exec(source.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], start: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'name', text: m[0], start: i });
      i += m[0].length;
    } else {
      const op = ['<=', '>=', '==', '~=', '..', '<', '>'].find((o) => source.startsWith(o, i));
      tokens.push({ kind: op ? 'op' : 'other', text: op ?? c, start: i });
      i += op?.length ?? 1;
    }
  }
  return tokens;
}

/** Tokens after which an expression follows, so a `redis.call(` there is a value, not a statement. */
const TAKES_A_VALUE = new Set(['=', ',', '(', '{', '[', 'return', 'and', 'or', 'not', 'if', 'elseif', 'while', 'until', 'in', '..', '<', '<=', '>', '>=', '==', '~=', '+', '-', '*', '/', '%', '^', '#']);

const FLIPS: Record<string, string> = { '<': '<=', '<=': '<', '>': '>=', '>=': '>', '==': '~=', '~=': '==' };

export function luaMutants(root: string): LuaMutant[] {
  return luaFiles(root).flatMap((file) => mutantsOf(file, readFileSync(path.join(root, file), 'utf8')));
}

export function mutantsOf(file: string, source: string): LuaMutant[] {
  const mutants: LuaMutant[] = [];
  const add = (mutator: LuaMutant['mutator'], start: number, end: number, replacement: string) => {
    const before = source.slice(0, start);
    const line = before.split('\n').length;
    const column = start - before.lastIndexOf('\n');
    mutants.push({
      id: `lua:${file}:${line}:${column}:${mutator}:${replacement}`,
      file,
      line,
      column,
      mutator,
      original: source.slice(start, end),
      replacement,
      mutatedSource: source.slice(0, start) + replacement + source.slice(end),
    });
  };
  const tokens = codeTokens(source);
  for (const [i, token] of tokens.entries()) {
    if (token.kind === 'op' && token.text in FLIPS) add('ComparisonFlipped', token.start, token.start + token.text.length, FLIPS[token.text]);
    if (token.kind === 'number' && /^[0-9]+$/.test(token.text)) {
      const n = Number(token.text);
      add('NumberOffByOne', token.start, token.start + token.text.length, String(n + 1));
      if (n > 0) add('NumberOffByOne', token.start, token.start + token.text.length, String(n - 1));
    }
    // A statement that is a bare call, its value unused: what comes before it cannot take a value.
    if (token.kind === 'name' && token.text === 'redis' && tokens[i + 1]?.text === '.' && tokens[i + 2]?.text === 'call' && tokens[i + 3]?.text === '(') {
      if (i > 0 && TAKES_A_VALUE.has(tokens[i - 1].text)) continue;
      let depth = 0;
      let j = i + 3;
      for (; j < tokens.length; j++) {
        if (tokens[j].text === '(') depth++;
        if (tokens[j].text === ')' && --depth === 0) break;
      }
      add('CallRemoved', token.start, tokens[j].start + 1, '');
    }
  }
  return mutants;
}
