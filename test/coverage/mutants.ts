/**
 * The planted defects: each `test/mutants/<name>.patch` is a small change to reference-system/
 * or lua/ of the kind a real team ships (a check dropped, a condition inverted, a field trusted),
 * headed by the promise it breaks (`Breaks: <id>`, an id of test/coverage/promises.ts) and one
 * line saying what goes wrong. `npm run mutation` (test/mutants/run.ts) plants each in a copy
 * of the system and runs the suite against it; every one must be caught.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type Mutant = { name: string; breaks: string; what: string; patchFile: string };

/** The patches live in test/mutants/; this catalogue reads them, so the coverage table and the
 * mutation run share one list without the two folders importing each other. */
const DIR = path.resolve(import.meta.dirname, '..', 'mutants');

export const mutants: Mutant[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.patch'))
  .sort()
  .map((file) => {
    const text = readFileSync(path.join(DIR, file), 'utf8');
    const [first, what] = text.split('\n');
    const breaks = /^Breaks: (\S+)$/.exec(first)?.[1];
    if (!breaks || !what) throw new Error(`${file} must start with "Breaks: <promise id>" and a line saying what goes wrong`);
    return { name: path.basename(file, '.patch'), breaks, what, patchFile: path.join(DIR, file) };
  });
