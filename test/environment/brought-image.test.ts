import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { getContainerRuntimeClient } from 'testcontainers';
import { baseImage, buildImage } from '../../environment/service-images.ts';
import { applyTestcontainersDefaults, assertContainerRuntime } from '../../environment/test-environment.ts';
import type { RunMetadata } from '../../environment/run-metadata.ts';
import { readScenarioResults } from '../../scripts/report/scenario-results.ts';
import { makeScratchCopy } from '../scratch-copy.ts';

// The suite as a conformance gate for someone else's image (docs/operations.md, "Bring your own images"):
// a queue image that lets one fan too many shop at once, given as E2E_QUEUE_IMAGE, must fail
// the scenario of that promise, with a report that says so, and leave nothing running.
const ROOT = path.resolve(import.meta.dirname, '../..');
const BROKEN = 'ticket-rush-conformance/queue:shoppers-not-counted';
const PATCH = path.join(ROOT, 'test/mutants/active-fans-not-counted.patch');
const SCENARIO = 'A fan who is shopping counts against the limit until she leaves';
let scratch: string;

before(async () => {
  applyTestcontainersDefaults();
  await assertContainerRuntime();
  scratch = makeScratchCopy('ticket-rush-brought-image-');
});

after(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await (await getContainerRuntimeClient()).container.dockerode.getImage(BROKEN).remove().catch(() => undefined);
});

test('a queue image that lets shoppers exceed activeLimit fails the suite on that scenario, with a readable report', async () => {
  // Someone else's build: our sources with the defect planted, built into an image of its own.
  const broken = makeScratchCopy('ticket-rush-broken-queue-');
  try {
    const applied = spawnSync('git', ['apply', PATCH], { cwd: broken, encoding: 'utf8' });
    assert.equal(applied.status, 0, applied.stderr);
    await buildImage(broken, 'queue', baseImage(), BROKEN);
  } finally {
    rmSync(broken, { recursive: true, force: true });
  }

  const run = spawn(process.execPath, ['node_modules/@cucumber/cucumber/bin/cucumber.js', 'features/admission.feature'], {
    cwd: scratch,
    env: { ...process.env, E2E_QUEUE_IMAGE: BROKEN, E2E_SYSTEM: 'containers' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  run.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number>((resolve) => run.once('exit', (c) => resolve(c ?? 1)));
  assert.notEqual(code, 0, `the suite passed on the broken image:\n${stderr}`);

  const results = readScenarioResults(path.join(scratch, 'reports', 'messages.ndjson'));
  const failed = results.scenarios.filter((s) => s.status === 'failed').map((s) => s.name);
  assert.ok(failed.includes(SCENARIO), `failed: ${failed.join('; ') || 'none'}`);
  // The defect, not the setup: the scenarios of the other admission promises still pass.
  assert.ok(results.scenarios.some((s) => s.status === 'passed'), 'no scenario passed: the run itself broke');

  const summary = readFileSync(path.join(scratch, 'reports', 'summary.md'), 'utf8');
  assert.match(summary, new RegExp(SCENARIO));
  assert.match(summary, new RegExp(`queue ${BROKEN.replace(/[/:]/g, '.')} \\(\\w{12}, given\\)`));
  const meta = JSON.parse(readFileSync(path.join(scratch, 'reports', 'run.json'), 'utf8')) as RunMetadata;
  assert.equal(meta.system, 'containers');
  assert.equal(meta.serviceImages?.queue.image, BROKEN);
  assert.equal(meta.serviceImages?.core.origin === 'given', false);

  // Torn down after the failure like after a success: none of its containers is left.
  const owner = String(run.pid);
  const left = await (await getContainerRuntimeClient()).container.dockerode.listContainers({ all: true, filters: { label: [`ticket-rush.owner-pid=${owner}`] } });
  assert.deepEqual(left, []);
});
