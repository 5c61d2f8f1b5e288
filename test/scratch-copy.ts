import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * A copy of this checkout's tracked and new files (not reports/) in a fresh temporary git
 * repository, with this checkout's node_modules linked in: the suite run there writes its own
 * reports/, and a patch applied there changes nothing here.
 */
export function makeScratchCopy(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .stdout.split('\0')
    .filter((file) => file && !file.startsWith('reports/'));
  for (const file of files) cpSync(path.join(ROOT, file), path.join(dir, file), { force: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=scratch', '-c', 'user.email=scratch@localhost', ...args], { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'unchanged');
  return dir;
}
