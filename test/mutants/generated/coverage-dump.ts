/**
 * Loaded into each service of the unchanged run (`node --import`): writes the ids of the
 * mutants whose code the service reached (Stryker's instrumented code counts them in
 * globalThis.__stryker__.mutantCoverage) to $STRYKER_COVERAGE_DIR/<pid>.json, every second
 * and at exit, so a service a fault scenario kills has written what it reached up to then.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.STRYKER_COVERAGE_DIR;
if (dir) {
  const file = path.join(dir, `${process.pid}.json`);
  const write = () => {
    const covered = (globalThis as { __stryker__?: { mutantCoverage?: { static: Record<string, number> } } }).__stryker__?.mutantCoverage?.static ?? {};
    writeFileSync(file, JSON.stringify(Object.keys(covered)));
  };
  setInterval(write, 1000).unref();
  process.on('exit', write);
}
