import { AfterAll, BeforeAll } from '@cucumber/cucumber';
import { createRequire } from 'node:module';
import { receiveTarget } from '../../environment/system-under-test.ts';

// @cucumber/cucumber 13.3's ES module entry does not re-export HookTarget; its CommonJS entry
// (the same module instance the ES entry wraps) does.
const { HookTarget } = createRequire(import.meta.url)('@cucumber/cucumber') as typeof import('@cucumber/cucumber');

// Once per run, on cucumber's coordinator: start the system under test (or check the external
// one), and tear it down after the last scenario, whether scenarios passed or not. The runner
// code is imported here, not at the top, so worker threads never load it.
BeforeAll({ on: HookTarget.COORDINATOR, name: 'start the system under test', timeout: 15 * 60_000 }, async function () {
  const { startSession } = await import('../../environment/run-session.ts');
  await startSession();
});

AfterAll({ on: HookTarget.COORDINATOR, name: 'tear the system under test down', timeout: 5 * 60_000 }, async function () {
  const { endSession } = await import('../../environment/run-session.ts');
  await endSession();
});

// Then in every worker, before its first scenario: where is the system under test?
BeforeAll({ name: 'learn where the system under test runs', timeout: 60_000 }, async function () {
  await receiveTarget();
});
