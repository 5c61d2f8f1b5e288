import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startManagedTarget, type ManagedTarget } from '../../environment/managed-target.ts';
import { runTeardowns } from '../../environment/teardown.ts';
import { openingBurst } from '../../scripts/opening-burst/burst.ts';

/**
 * The sale-opening burst right after start-up, as `npm run stack` and the suite start the system
 * (durable writes on). `npm run measure:opening-burst` repeats it on fresh environments.
 */
let target: ManagedTarget | undefined;
before(async () => {
  target = await startManagedTarget(() => undefined, path.resolve(import.meta.dirname, '../../reports/logs/opening-burst-test'));
});
after(async () => {
  await target?.stop();
  await runTeardowns();
});

test('1,000 fans entering in the same instant right after start-up all get 2xx', async () => {
  const result = await openingBurst(target!.target);
  assert.deepEqual(result.statuses, { 201: 1000 }, result.errors.join('; '));
});
