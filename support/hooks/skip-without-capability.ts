import { Before } from '@cucumber/cucumber';
import { capabilityTags, requireCapability, type Capability } from '../capabilities.ts';

// @infra, @database and @gateway-control scenarios skip themselves, with the reason attached,
// on targets that cannot serve them (staging), instead of failing there.
for (const [capability, tag] of Object.entries(capabilityTags) as [Capability, string][]) {
  Before({ tags: tag, name: `skip ${tag} scenarios where the target lacks ${capability}` }, function () {
    return requireCapability(this, capability);
  });
}
