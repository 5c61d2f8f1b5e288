import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { getContainerRuntimeClient } from 'testcontainers';

const ROOT = path.resolve(import.meta.dirname, '..');

export const SERVICE_KINDS = ['payment-gateway', 'core', 'queue'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** Another implementation's image in place of ours, per service (docs/operations.md, "Bring your own images"). */
export const IMAGE_VARIABLES: Record<ServiceKind, string> = {
  queue: 'E2E_QUEUE_IMAGE',
  core: 'E2E_CORE_IMAGE',
  'payment-gateway': 'E2E_GATEWAY_IMAGE',
};

export type ServiceImage = {
  /** What containers are started from: a tag of ours, or the name given. */
  image: string;
  /** Docker's image id (sha256:…), for the report. */
  id: string;
  /** built now, reused (our sources unchanged since it was built), or given by E2E_*_IMAGE. */
  origin: 'built' | 'reused' | 'given';
};
export type ServiceImages = Record<ServiceKind, ServiceImage>;

/** What the build reads (the .dockerignore lets nothing else in). */
const BUILD_INPUTS = ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'lua', 'reference-system'];

export const baseImage = () => process.env.E2E_BASE_IMAGE || 'node:24-bookworm-slim';

/**
 * The three images the suite starts: for each service the image E2E_<SERVICE>_IMAGE names, else
 * ours, built from `root`'s Dockerfile (default: this checkout) and tagged with a hash of its
 * build inputs, so an unchanged checkout reuses the image of an earlier run and a changed one
 * rebuilds (Docker's layer cache keeps that to the layers that changed).
 */
export async function serviceImages(
  log: (line: string) => void,
  options: { root?: string; repository?: string } = {},
): Promise<ServiceImages> {
  const root = options.root ?? ROOT;
  const base = baseImage();
  const source = sourceHash(root, base);
  const images = {} as ServiceImages;
  for (const kind of SERVICE_KINDS) {
    const given = process.env[IMAGE_VARIABLES[kind]];
    if (given) {
      images[kind] = { image: given, id: await imageId(given), origin: 'given' };
      continue;
    }
    const tag = `${options.repository ?? 'ticket-rush'}/${kind}:src-${source}`;
    const existing = await imageId(tag).catch(() => '');
    if (existing) {
      images[kind] = { image: tag, id: existing, origin: 'reused' };
      continue;
    }
    const started = Date.now();
    await buildImage(root, kind, base, tag);
    images[kind] = { image: tag, id: await imageId(tag), origin: 'built' };
    log(`built ${tag} from ${base} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return images;
}

/** The first 12 hex digits of a SHA-256 over the base image's name and every build input. */
export function sourceHash(root: string, base: string): string {
  const hash = createHash('sha256').update(`base ${base}\n`);
  const walk = (relative: string) => {
    const full = path.join(root, relative);
    const entries = readdirSync(full, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else hash.update(`file ${child}\n`).update(readFileSync(path.join(root, child)));
    }
  };
  for (const input of BUILD_INPUTS) {
    if (statSync(path.join(root, input)).isDirectory()) walk(input);
    else hash.update(`file ${input}\n`).update(readFileSync(path.join(root, input)));
  }
  return hash.digest('hex').slice(0, 12);
}

async function imageId(image: string): Promise<string> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch {
    // Someone else's image that is not here yet: pull it (a registry the machine reaches).
    const client = await getContainerRuntimeClient();
    const { ImageName } = await import('testcontainers');
    await client.image.pull(ImageName.fromString(image));
    return (await docker.getImage(image).inspect()).Id;
  }
}

/**
 * `docker build --target <kind> --force-rm` through the engine's API. Not Testcontainers'
 * GenericContainer.fromDockerfile: its builder drops the build's output (a failed `npm ci`
 * surfaces as "Failed to build image" only) and leaves a failed step's container behind (it
 * cannot ask for forcerm); this one says which step failed and how, and leaves nothing.
 */
export async function buildImage(root: string, kind: ServiceKind, base: string, tag: string): Promise<void> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const stream = await docker.buildImage(
    { context: root, src: BUILD_INPUTS },
    { t: tag, target: kind, buildargs: { BASE_IMAGE: base }, rm: true, forcerm: true, labels: { 'ticket-rush.source': tag } },
  );
  const output: string[] = [];
  let failure = '';
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error) => (error ? reject(error) : resolve()),
      (event: { stream?: string; error?: string }) => {
        if (event.stream) output.push(...event.stream.split('\n').filter((line) => line.trim()));
        if (event.error) failure = event.error;
      },
    );
  });
  if (failure) {
    throw new Error(
      `building ${tag} (target ${kind} of ${path.join(root, 'Dockerfile')}, BASE_IMAGE=${base}) failed: ${failure.trim()}\n` +
        `  last lines of the build:\n${output.slice(-15).map((line) => `    ${line}`).join('\n')}`,
    );
  }
}
