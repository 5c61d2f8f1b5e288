/**
 * The repository paths a document names, and which of them do not exist (test/suite/doc-paths.test.ts).
 *
 * What counts as a path:
 * - a markdown link's target (`[text](target)`), resolved from the document's folder; web
 *   addresses are not paths, a bare `#anchor` names a heading of the document itself;
 * - a token of inline code (`` `…` ``) or of a fenced code block whose first segment is a
 *   top-level entry of the repository (`features/…`, `.github/…`, `Dockerfile`), or a folder the
 *   README's folder table lists (so a path under a folder that was moved away still counts).
 *   `application/json`, `queue:{c}:seq` or `ticket-rush/queue` are not paths.
 *
 * What is checked: a `#anchor` and a `:line` suffix are taken off (an anchor into a markdown
 * file must name one of its headings); a placeholder or glob (`<name>`, `*`, `{json,html}`,
 * `[-smoke]`, `…`) stops the path, and the folder before it must exist; a path ending in `/`
 * must be a folder. Paths under `reports/` are not checked: it holds what a run writes
 * (reports/README.md), which a fresh clone does not have.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export type NamedPath = {
  /** 1-based line of the document. */
  line: number;
  /** The path from the repository's root, without anchor or line suffix. */
  path: string;
  /** The heading slug after `#`, for a markdown file. */
  anchor?: string;
  /** As written in the document. */
  written: string;
};

/** Root files a document may name with no folder before them. */
const ROOT_FILES = new Set(['README.md', 'package.json', 'package-lock.json', 'Dockerfile', 'tsconfig.json', 'cucumber.js', '.nvmrc', '.gitignore', '.dockerignore']);

/** Output a run writes: named in documents, absent from a clone. */
const GENERATED = 'reports/';

const PLACEHOLDER = /[<>*{}[\]…]|\.\.\./;

/** The first segments that make a token a repository path: the root's entries and the README's folders. */
export function topLevelNames(root: string): Set<string> {
  const names = new Set(readdirSync(root).filter((name) => name !== 'node_modules' && name !== '.git'));
  const readme = path.join(root, 'README.md');
  if (existsSync(readme)) {
    for (const match of readFileSync(readme, 'utf8').matchAll(/^\| `([^`/]+)\/` \|/gm)) names.add(match[1]);
  }
  for (const file of ROOT_FILES) names.add(file);
  return names;
}

/** Every repository path `markdown` (the document at `doc`, relative to the root) names. */
export function pathsNamedIn(markdown: string, doc: string, topLevel: ReadonlySet<string>): NamedPath[] {
  const found: NamedPath[] = [];
  // Fenced blocks token by token; the rest as one text, since a code span may wrap onto the next line.
  let fenced = false;
  const prose = markdown
    .split('\n')
    .map((text, i) => {
      if (/^\s*(```|~~~)/.test(text)) {
        fenced = !fenced;
        return '';
      }
      if (!fenced) return text;
      for (const token of text.split(/\s+/)) addToken(token, i + 1);
      return '';
    })
    .join('\n');
  const lineAt = (index: number) => prose.slice(0, index).split('\n').length;
  for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) addLink(match[1], lineAt(match.index));
  for (const match of prose.matchAll(/`([^`]+)`/g)) {
    for (const token of match[1].matchAll(/\S+/g)) addToken(token[0], lineAt(match.index + 1 + token.index));
  }
  return found.sort((a, b) => a.line - b.line);

  function addLink(target: string, line: number) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return; // https:, mailto:
    const [file, anchor] = splitAnchor(target);
    const resolved = file ? path.posix.normalize(path.posix.join(path.posix.dirname(doc), file)) : doc;
    found.push({ line, path: resolved.replace(/^\.\//, ''), anchor, written: target });
  }

  function addToken(raw: string, line: number) {
    const token = raw.replace(/^[("'[*]+/, '').replace(/[)"',.;:*\]]+$/, '');
    if (!token || token.includes('://') || token.startsWith('/')) return;
    const [withLine, anchor] = splitAnchor(token);
    const bare = withLine.replace(/(:\d+)+$/, '').replace(/:$/, '');
    const first = bare.split('/')[0];
    if (!topLevel.has(first)) return;
    if (!bare.includes('/') && !ROOT_FILES.has(bare)) return;
    found.push({ line, path: bare, anchor, written: raw });
  }
}

function splitAnchor(target: string): [string, string | undefined] {
  const at = target.indexOf('#');
  return at < 0 ? [target, undefined] : [target.slice(0, at), target.slice(at + 1) || undefined];
}

/** What is wrong with the paths a document names: "<doc>:<line>: <path>: <why>". */
export function missingPaths(root: string, doc: string, named: NamedPath[]): string[] {
  const problems: string[] = [];
  for (const entry of named) {
    const why = problem(root, entry);
    if (why) problems.push(`${doc}:${entry.line}: ${entry.written}: ${why}`);
  }
  return problems;
}

function problem(root: string, { path: named, anchor }: NamedPath): string | undefined {
  if (named.startsWith('..')) return 'points outside the repository';
  if (named.startsWith(GENERATED)) return undefined;
  const segments = named.split('/');
  const placeholder = segments.findIndex((segment) => PLACEHOLDER.test(segment));
  if (placeholder >= 0) {
    const folder = segments.slice(0, placeholder).join('/');
    return isFolder(root, folder) ? undefined : `no folder ${folder}/ (the fixed part before the placeholder)`;
  }
  const file = path.join(root, named);
  if (!existsSync(file)) return 'no such file or folder';
  if (named.endsWith('/') && !isFolder(root, named)) return 'is a file, not a folder';
  if (anchor && named.endsWith('.md') && !headingSlugs(readFileSync(file, 'utf8')).has(anchor)) return `no heading #${anchor} in ${named}`;
  return undefined;
}

function isFolder(root: string, folder: string): boolean {
  const at = path.join(root, folder);
  return existsSync(at) && statSync(at).isDirectory();
}

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const text of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const base = heading[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}
