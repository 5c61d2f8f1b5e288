import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import { getContainerRuntimeClient } from 'testcontainers';
import { runLabels } from '../../environment/images.ts';
import { gitInfo } from '../../environment/run-metadata.ts';
import { baseImage } from '../../environment/service-images.ts';
import { registerTeardown } from '../../environment/teardown.ts';
import { generatorFilePath } from './generator-file.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * Runs `npm run load -- <scenario> --generator i/n --start-at …` n times, each in a container
 * of its own on the target's network: the Node.js base image the services are built from
 * (E2E_BASE_IMAGE), this checkout mounted read-only at /app, the generators' folder writable.
 * Each container's output goes to <logDir>/generator-<i>.log and, line by line, to `log`.
 * Resolves when all have exited, with each one's exit code and the file it was to write.
 */
export async function runGeneratorContainers(options: {
  count: number;
  scenario: string;
  smoke: boolean;
  /** Options passed on to every generator (--scale, --time-scale, --connections, …). */
  args: string[];
  startAtMs: number;
  network: string;
  /** The target as a container on `network` reaches it (E2E_* variables). */
  env: Record<string, string>;
  reportDir: string;
  logDir: string;
  log: (line: string) => void;
}): Promise<{ generator: string; exitCode: number; file: string }[]> {
  const { count, reportDir, logDir, log } = options;
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const generatorsDir = path.dirname(generatorFilePath(reportDir, { scenario: options.scenario, variant: 'full', generator: { i: 1, n: count } }));
  mkdirSync(generatorsDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const inContainer = (hostPath: string) => path.posix.join('/app', path.relative(ROOT, hostPath));
  const env = {
    ...options.env,
    // No git in the image and the checkout's .git may point outside the mount: the commit travels.
    E2E_COMMIT: gitInfo().commit,
  };

  const running = new Set<{ remove(options: { force: boolean; v: boolean }): Promise<unknown> }>();
  const removeAll = () => Promise.allSettled([...running].map((c) => c.remove({ force: true, v: true })));
  const unregister = registerTeardown('generator containers', removeAll);
  try {
    return await Promise.all(
      Array.from({ length: count }, async (_, k) => {
        const generator = `${k + 1}/${count}`;
        const container = await docker.createContainer({
          Image: baseImage(),
          Cmd: [
            'node',
            'scripts/load.ts',
            `${options.scenario}${options.smoke ? ':smoke' : ''}`,
            `--generator=${generator}`,
            `--start-at=${new Date(options.startAtMs).toISOString()}`,
            ...options.args,
          ],
          WorkingDir: '/app',
          Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
          User: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
          Labels: { ...runLabels(), 'ticket-rush.load-generator': generator },
          HostConfig: {
            NetworkMode: options.network,
            Binds: [`${ROOT}:/app:ro`, `${generatorsDir}:${inContainer(generatorsDir)}`],
          },
        });
        running.add(container);
        const output = new PassThrough();
        const file = createWriteStream(path.join(logDir, `generator-${k + 1}.log`));
        output.pipe(file);
        createInterface({ input: output }).on('line', (line) => log(`[generator ${generator}] ${line}`));
        const stream = await container.attach({ stream: true, stdout: true, stderr: true });
        docker.modem.demuxStream(stream, output, output);
        await container.start();
        const { StatusCode } = (await container.wait()) as { StatusCode: number };
        // Docker ends the attached stream once the container has exited and its output is through.
        await finished(stream);
        output.end();
        running.delete(container);
        await container.remove({ force: true, v: true });
        return {
          generator,
          exitCode: StatusCode,
          file: generatorFilePath(reportDir, { scenario: options.scenario, variant: options.smoke ? 'smoke' : 'full', generator: { i: k + 1, n: count } }),
        };
      }),
    );
  } finally {
    await removeAll();
    unregister();
  }
}
