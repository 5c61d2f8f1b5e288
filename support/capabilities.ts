import type { IWorld } from '@cucumber/cucumber';
import { skipScenario } from './skip-reason.ts';
import { target } from './target.ts';

/**
 * What a scenario may need beyond the public HTTP API of one queue server and the core. A
 * managed run (`npm run e2e`) has all of them; an external target such as staging may lack any.
 */
export type Capability = 'infrastructure' | 'database' | 'gateway-control' | 'several queue servers' | 'service logs' | 'network faults';

/** Tag a scenario with these to skip it, visibly, where the target lacks the capability. */
export const capabilityTags: Record<Capability, string> = {
  infrastructure: '@infra',
  database: '@database',
  'gateway-control': '@gateway-control',
  'several queue servers': '@several-queue-servers',
  'service logs': '@service-logs',
  'network faults': '@network-faults',
};

/** Why the current target lacks `capability`, or undefined when it has it. */
export function missingCapability(capability: Capability): string | undefined {
  switch (capability) {
    case 'infrastructure':
      return target.infraUrl
        ? undefined
        : 'the target is external (E2E_TARGET=external) with no fault-injection server: the suite cannot kill Redis nodes or restart services there';
    case 'database':
      return target.databaseUrl ? undefined : 'E2E_DATABASE_URL is not set, so money and seats cannot be checked in PostgreSQL';
    case 'gateway-control':
      return target.gatewayUrl
        ? undefined
        : 'E2E_GATEWAY_URL is not set, so the payment gateway stub cannot be steered (approve/decline/timeout)';
    case 'several queue servers':
      return target.queueUrls.length >= 2
        ? undefined
        : `the target has ${target.queueUrls.length} queue server (E2E_QUEUE_URLS), and this scenario is about several sharing one waiting room`;
    case 'service logs':
      return target.logDir ? undefined : "E2E_LOG_DIR is not set, so the services' logs cannot be read";
    case 'network faults':
      return target.networkFaults
        ? undefined
        : 'the services do not run in containers of this run (E2E_SYSTEM=process, or an external target), so their links cannot be faulted';
  }
}

/**
 * Ends the scenario as skipped, with the reason attached, when the target lacks the capability;
 * otherwise returns undefined and the scenario goes on.
 */
export function requireCapability(world: IWorld, capability: Capability): 'skipped' | undefined {
  const reason = missingCapability(capability);
  if (!reason) return undefined;
  return skipScenario(world, `needs ${capability}; ${reason}.`);
}
