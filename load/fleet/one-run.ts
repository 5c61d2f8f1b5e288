import type { GeneratorFile } from './generator-file.ts';

export type NamedGeneratorFile = { path: string; content: GeneratorFile };

/**
 * The generator files of one whole run, in generator order, or an error naming what is wrong:
 * files of different runs (scenario, variant, start line, commit, settings, number of
 * generators), a generator given twice, missing or stopped early, users that overlap or leave
 * a gap. A merge of fewer generators than ran would report a smaller run as if it were whole.
 */
export function oneWholeRun(files: NamedGeneratorFile[]): NamedGeneratorFile[] {
  if (files.length === 0) throw new Error('no generator files given');
  const [first] = files;
  const same: [string, (f: GeneratorFile) => unknown][] = [
    ['scenario', (f) => f.scenario],
    ['variant', (f) => f.variant],
    ['start line (--start-at)', (f) => f.startLine],
    ['run id', (f) => f.runId],
    ['commit', (f) => f.git.commit],
    ['number of generators (n of --generator i/n)', (f) => f.generator.n],
    ['--scale', (f) => f.options.scale],
    ['--time-scale', (f) => f.options.timeScale],
    ['--status', (f) => f.options.status],
    ['--gate', (f) => f.options.gate],
  ];
  const problems: string[] = [];
  for (const [what, of] of same) {
    const other = files.find((f) => of(f.content) !== of(first.content));
    if (other) problems.push(`${what} differs: ${String(of(first.content))} in ${first.path}, ${String(of(other.content))} in ${other.path}`);
  }
  if (problems.length) throw new Error(`these files are not of one run:\n  ${problems.join('\n  ')}`);

  const n = first.content.generator.n;
  const byIndex = new Map<number, NamedGeneratorFile[]>();
  for (const f of files) byIndex.set(f.content.generator.i, [...(byIndex.get(f.content.generator.i) ?? []), f]);
  for (const [i, given] of byIndex) {
    if (!(i >= 1 && i <= n)) problems.push(`generator ${i}/${n} cannot exist (${given[0].path})`);
    if (given.length > 1) problems.push(`generator ${i}/${n} given twice: ${given.map((f) => f.path).join(', ')}`);
  }
  const missing = Array.from({ length: n }, (_, k) => k + 1).filter((i) => !byIndex.has(i));
  if (missing.length) problems.push(`missing generator${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${n}`).join(', ')} of this run`);
  if (problems.length) throw new Error(`not the whole run, refusing to merge:\n  ${problems.join('\n  ')}`);

  for (const f of files) {
    if (f.content.error) problems.push(`generator ${f.content.generator.i}/${n} stopped early (${f.content.error}): its fans are unknown, so the run cannot be checked (${f.path})`);
  }
  if (problems.length) throw new Error(`a generator did not finish, refusing to merge:\n  ${problems.join('\n  ')}`);

  const ordered = [...files].sort((a, b) => a.content.generator.i - b.content.generator.i);
  let next = 0;
  for (const f of ordered) {
    const { first: from, count } = f.content.users;
    if (from !== next) {
      problems.push(`generator ${f.content.generator.i}/${n}'s users start at number ${from}, not ${next}: ${from > next ? 'a gap' : 'an overlap'} with the generator before (${f.path})`);
    }
    next = from + count;
  }
  if (problems.length) throw new Error(`the generators' users do not tile one run, refusing to merge:\n  ${problems.join('\n  ')}`);
  return ordered;
}
