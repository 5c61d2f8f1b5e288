import { knownTarget, type SystemUnderTest } from '../environment/system-under-test.ts';

/**
 * Where the system under test runs, as steps and the driver read it (target.coreUrl, …), only
 * while scenarios run: each worker received it before its first scenario
 * (support/hooks/system-under-test.ts, environment/system-under-test.ts).
 */
export const target: SystemUnderTest = new Proxy({} as SystemUnderTest, {
  get(_, key) {
    return knownTarget()[key as keyof SystemUnderTest];
  },
});
