/**
 * The mutants Stryker Mutator generates for the reference system's TypeScript, made by its own
 * instrumenter (@stryker-mutator/instrumenter, the one `stryker run` uses): every mutant is
 * placed in the code behind a switch, `stryMutAct_9fa48("<id>")`, which is on in a process whose
 * __STRYKER_ACTIVE_MUTANT__ is that id. Node 24 runs the instrumented sources as it runs the
 * originals (the instrumenter keeps the types, and Node strips them).
 *
 * Why not `stryker run` with its command runner: it runs on Node 24 and its switches reach the
 * services (measured, docs/mutation.md), but it picks mutants by file and line range, not by
 * id, so it cannot run a uniform sample of them; and it would run its own dry run of the whole
 * suite on each start.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Instrumenter } from '@stryker-mutator/instrumenter';

export type GeneratedMutant = {
  /** Stryker's id: the value of __STRYKER_ACTIVE_MUTANT__ that turns it on. */
  id: string;
  /** Relative to the checkout. */
  file: string;
  line: number;
  column: number;
  mutator: string;
  /** The code as it is, and as the mutant has it. */
  original: string;
  replacement: string;
};

/**
 * Where mutants are drawn from: reference-system/**\/*.ts but the payment gateway stub, which
 * is no part of the system under test but the suite's steerable stand-in for a real payment
 * provider (scenarios tell it to approve, decline, time out).
 */
export function filesToMutate(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return rel === 'reference-system/payment-gateway' ? [] : walk(rel);
      return entry.name.endsWith('.ts') ? [rel] : [];
    });
  return walk('reference-system').sort();
}

const quietLogger = {
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => true,
  isErrorEnabled: () => true,
  isFatalEnabled: () => true,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, ...args: unknown[]) => console.warn(message, ...args),
  error: (message: string, ...args: unknown[]) => console.error(message, ...args),
  fatal: (message: string, ...args: unknown[]) => console.error(message, ...args),
};

/** Instruments `files` of `root`: their instrumented text (relative name → content) and every mutant in them. */
export async function instrument(root: string, files: string[]): Promise<{ instrumented: Map<string, string>; mutants: GeneratedMutant[] }> {
  const instrumenter = new Instrumenter(quietLogger);
  const sources = new Map(files.map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
  const result = await instrumenter.instrument(
    files.map((file) => ({ name: path.join(root, file), content: sources.get(file)!, mutate: true })),
    // Stryker's defaults: every mutator, no ignorers, babel's own parser plugins.
    { plugins: null, excludedMutations: [], ignorers: [] },
  );
  const instrumented = new Map(result.files.map((f) => [path.relative(root, f.name), f.content]));
  const mutants = result.mutants.map((m) => {
    const file = path.relative(root, m.fileName);
    const { start, end } = m.location;
    return {
      id: m.id,
      file,
      // Stryker's own locations count lines and columns from 0.
      line: start.line + 1,
      column: start.column + 1,
      mutator: m.mutatorName,
      original: textAt(sources.get(file)!, start, end),
      replacement: m.replacement,
    };
  });
  return { instrumented, mutants };
}

function textAt(source: string, start: { line: number; column: number }, end: { line: number; column: number }): string {
  const lines = source.split('\n');
  if (start.line === end.line) return lines[start.line].slice(start.column, end.column);
  return [lines[start.line].slice(start.column), ...lines.slice(start.line + 1, end.line), lines[end.line].slice(0, end.column)].join('\n');
}
