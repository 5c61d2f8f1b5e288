import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerTeardown } from '../support/environment/teardown.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

export type CommitCheckout = { dir: string; ref: string; commit: string; remove(): void };

/**
 * Another commit of this repository, checked out beside it (a detached git worktree in a temp
 * directory sharing this checkout's node_modules), so a load run can start that commit's
 * reference system as variant B: a before/after of a code change measured in one run, on the
 * same containers, under the same background load.
 */
export function checkoutCommit(ref: string): CommitCheckout {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ticket-rush-variant-b-'));
  git('worktree', 'add', '--detach', dir, commit);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    try {
      git('worktree', 'remove', '--force', dir);
    } catch {
      // Already gone; `git worktree prune` forgets it.
    }
  };
  registerTeardown(`checkout of ${ref}`, async () => remove());
  // Dependencies as in this checkout: the comparison is about the code, not about installs.
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, ref, commit, remove };
}
