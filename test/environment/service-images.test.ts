import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers';
import { request } from 'undici';
import { buildImage, baseImage, serviceImages, type ServiceImages } from '../../environment/service-images.ts';
import { applyTestcontainersDefaults, assertContainerRuntime } from '../../environment/test-environment.ts';

// The images a team would deploy: what the Dockerfile promises (docs/operations.md, "Images").
const ROOT = path.resolve(import.meta.dirname, '../..');
let images: ServiceImages;
const started: StartedTestContainer[] = [];

before(async () => {
  applyTestcontainersDefaults();
  await assertContainerRuntime();
  images = await serviceImages(() => undefined);
});

after(async () => {
  await Promise.allSettled(started.map((c) => c.stop({ remove: true, timeout: 1 })));
});

const docker = async () => (await getContainerRuntimeClient()).container.dockerode;

test('every image runs as the unprivileged node user and checks /health/ready itself', async () => {
  for (const [kind, { image }] of Object.entries(images)) {
    const config = (await (await docker()).getImage(image).inspect()).Config;
    assert.equal(config.User, 'node', `${kind} runs as ${config.User || 'root'}`);
    assert.match(config.Healthcheck?.Test?.join(' ') ?? '', /\/health\/ready/, `${kind} has no health check on /health/ready`);
    assert.equal((config as { StopSignal?: string }).StopSignal, 'SIGTERM');
  }
});

test('an image carries the production dependencies only', async () => {
  const container = await new GenericContainer(images.queue.image)
    .withCommand(['sleep', 'infinity'])
    // Not the image's health check: sleep serves no /health/ready.
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
  started.push(container);
  const { output } = await container.exec(['ls', '-1', 'node_modules']);
  assert.match(output, /^ioredis$/m);
  for (const devOnly of ['@cucumber', 'testcontainers', 'fast-check', 'typescript', 'playwright-core']) {
    assert.doesNotMatch(output, new RegExp(`^${devOnly}$`, 'm'), `${devOnly} is a development dependency`);
  }
});

test('docker stop lets a request in flight finish, then the service exits 0 well within the stop timeout', async () => {
  const gateway = await new GenericContainer(images['payment-gateway'].image)
    .withExposedPorts(8090)
    .withWaitStrategy(Wait.forHttp('/health/ready', 8090))
    .start();
  started.push(gateway);
  const url = `http://${gateway.getHost()}:${gateway.getMappedPort(8090)}`;
  const control = await request(`${url}/__control/behavior`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'approve', delayMs: 1500 }),
  });
  assert.equal(control.statusCode, 200);
  await control.body.dump();
  const charge = request(`${url}/charges`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 100, reference: 'in-flight' }),
  });
  await new Promise((r) => setTimeout(r, 300));
  const stopping = Date.now();
  const container = (await docker()).getContainer(gateway.getId());
  await container.stop({ t: 10 });
  const stoppedAfterMs = Date.now() - stopping;
  const answer = await charge;
  assert.equal(answer.statusCode, 201, 'the charge in flight was answered');
  assert.equal((await answer.body.json() as { status: string }).status, 'APPROVED');
  assert.equal((await container.inspect()).State.ExitCode, 0);
  assert.ok(stoppedAfterMs < 5_000, `stopped after ${stoppedAfterMs} ms`);
});

test('a build that fails says which step and why, and leaves no build container behind', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'broken-build-'));
  try {
    for (const entry of ['Dockerfile', '.dockerignore', 'package.json', 'lua', 'reference-system']) cpSync(path.join(ROOT, entry), path.join(root, entry), { recursive: true });
    writeFileSync(path.join(root, 'package-lock.json'), '{ not json');
    // A build step's container runs from an image id, not a name; other runs' containers have names.
    const buildContainers = async () => (await (await docker()).listContainers({ all: true })).filter((c) => c.Image.startsWith('sha256:'));
    const before = await buildContainers();
    await assert.rejects(buildImage(root, 'queue', baseImage(), 'ticket-rush/broken-build:test'), (error: Error) => {
      assert.match(error.message, /failed: The command .*npm ci/);
      assert.match(error.message, /last lines of the build/);
      return true;
    });
    const left = (await buildContainers()).filter((c) => !before.some((b) => b.Id === c.Id));
    assert.deepEqual(left, []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
