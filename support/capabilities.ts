import type { IWorld } from '@cucumber/cucumber';
import { SKIP_REASON_FILE } from './skip-reason.ts';
import { target } from './target.ts';

/**
 * What a scenario may need beyond the public HTTP API. A managed run (`npm run e2e`) has all
 * of them; an external target such as staging usually has none.
 */
export type Capability = 'infrastructure' | 'database' | 'gateway-control';

/** Tag a scenario with these to skip it, visibly, where the target lacks the capability. */
export const capabilityTags: Record<Capability, string> = {
  infrastructure: '@infra',
  database: '@database',
  'gateway-control': '@gateway-control',
};

/** Why the current target lacks `capability`, or undefined when it has it. */
export function missingCapability(capability: Capability): string | undefined {
  switch (capability) {
    case 'infrastructure':
      return target.managed
        ? undefined
        : 'the target is external (E2E_TARGET=external): the suite cannot kill Redis nodes or restart services there';
    case 'database':
      return target.databaseUrl ? undefined : 'E2E_DATABASE_URL is not set, so money and seats cannot be checked in PostgreSQL';
    case 'gateway-control':
      return target.gatewayUrl
        ? undefined
        : 'E2E_GATEWAY_URL is not set, so the payment gateway stub cannot be steered (approve/decline/timeout)';
  }
}

/**
 * For step and hook code: `return requireCapability(this, 'database')` ends the step as
 * skipped, with the reason attached, when the target lacks the capability; otherwise it
 * returns undefined and the step goes on.
 *
 *   const skip = requireCapability(this, 'database');
 *   if (skip) return skip;
 */
export function requireCapability(world: IWorld, capability: Capability): 'skipped' | undefined {
  const reason = missingCapability(capability);
  if (!reason) return undefined;
  world.attach(`Skipped: needs ${capability}; ${reason}.`, { mediaType: 'text/plain', fileName: SKIP_REASON_FILE });
  return 'skipped';
}
