import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

// The layout's one rule about dependencies (README, "Where things go"): no import cycle between
// top-level folders, nor between sibling folders inside one (support/driver, support/chaos …),
// nor between modules. Dynamic
// imports and type-only imports count: a cycle through them still ties the layers together.
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SOURCES = ['reference-system', 'environment', 'support', 'steps', 'scripts', 'load', 'test', 'types'];

export type ImportGraph = Map<string, Set<string>>;

/** Every relative import of every .ts file under the given folders: file → files it imports. */
export function importGraph(root = ROOT, folders = SOURCES): ImportGraph {
  const graph: ImportGraph = new Map();
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(file);
      } else if (entry.name.endsWith('.ts')) {
        graph.set(file, importsOf(file, readFileSync(path.join(root, file), 'utf8')));
      }
    }
  };
  for (const folder of folders) walk(folder);
  return graph;
}

/** Static (`from '…'`, `export … from '…'`) and dynamic (`import('…')`) relative imports. */
export function importsOf(file: string, source: string): Set<string> {
  const found = new Set<string>();
  for (const [, spec] of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    found.add(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
  }
  return found;
}

/**
 * The graph with each file replaced by its folder, `depth` levels deep ("environment/faults").
 * At depth 2 a top-level folder's own files are left out: they compose its subfolders and are
 * held to the module-level rule.
 */
export function folderGraph(graph: ImportGraph, depth: number): ImportGraph {
  const folder = (file: string) => {
    const parts = file.split('/');
    return parts.length > depth ? parts.slice(0, depth).join('/') : undefined;
  };
  const folders: ImportGraph = new Map();
  for (const [from, tos] of graph) {
    const a = folder(from);
    for (const to of tos) {
      const b = folder(to);
      if (a === undefined || b === undefined || a === b) continue;
      if (!folders.has(a)) folders.set(a, new Set());
      folders.get(a)!.add(b);
    }
  }
  return folders;
}

/** Strongly connected components of more than one node, or with a self-loop: the cycles. */
export function cycles(graph: ImportGraph): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    lowlink.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        lowlink.set(node, Math.min(lowlink.get(node)!, lowlink.get(next)!));
      } else if (onStack.has(next)) {
        lowlink.set(node, Math.min(lowlink.get(node)!, indices.get(next)!));
      }
    }
    if (lowlink.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

const graph = importGraph();

test('no import cycle between top-level folders', () => {
  assert.deepEqual(cycles(folderGraph(graph, 1)), []);
});

test('no import cycle between sibling folders inside a top-level folder', () => {
  assert.deepEqual(cycles(folderGraph(graph, 2)), []);
});

test('no import cycle between modules', () => {
  assert.deepEqual(cycles(graph), []);
});

test('a planted cycle is found, through a type-only and a dynamic import too', () => {
  const planted: ImportGraph = new Map([
    ['support/a.ts', importsOf('support/a.ts', "import type { X } from '../environment/b.ts';")],
    ['environment/b.ts', importsOf('environment/b.ts', "const { y } = await import('../support/a.ts');")],
  ]);
  assert.deepEqual(cycles(planted), [['environment/b.ts', 'support/a.ts']]);
  assert.deepEqual(cycles(folderGraph(planted, 1)), [['environment', 'support']]);
});
