import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerTeardown } from '../environment/teardown.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

export type CommitCheckout = { dir: string; ref: string; commit: string; remove(): void };

/**
 * Another commit of this repository, checked out beside it (a detached git worktree in a temp
 * directory), so a load run can start that commit's reference system as variant B: a
 * before/after of a change measured in one run, on the same containers, under the same
 * background load. It shares this checkout's node_modules when its lockfile is the same;
 * otherwise the dependencies are part of the change and it gets its own `npm ci`, run on
 * `node` (the binary its services will run on) so install scripts see that runtime.
 */
export function checkoutCommit(ref: string, options: { node?: string; log?: (line: string) => void } = {}): CommitCheckout {
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
  const lockfile = (root: string) => readFileSync(path.join(root, 'package-lock.json'), 'utf8');
  if (lockfile(dir) === lockfile(ROOT)) {
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  } else {
    options.log?.(`${ref} has other dependencies: npm ci in ${dir}`);
    const node = options.node ?? process.execPath;
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PATH: `${path.dirname(node)}:${process.env.PATH ?? ''}` },
    });
  }
  return { dir, ref, commit, remove };
}
