/**
 * Every generated mutant that was not killed, judged by hand: `equivalent` (no fan, operator
 * or payment provider could ever tell it from the original: it leaves the kill rate), or `gap`
 * (a promise the suite does not hold the system to; its entry says which and what closes it,
 * or why it stays open). Keyed by where the mutant is and what it does, so a key outlives a
 * change of Stryker's numbering but not a change of the line: a run on a later commit brings
 * its own survivors to judge.
 */
export type Triage = { verdict: 'equivalent' | 'gap'; why: string };

export function triageKey(mutant: { file: string; line: number; column: number; mutator: string; replacement: string }): string {
  return `${mutant.file}:${mutant.line}:${mutant.column} ${mutant.mutator} ${mutant.replacement.replace(/\s+/g, ' ').slice(0, 60)}`;
}

export const triage: Record<string, Triage> = {};
