import { After, Status } from '@cucumber/cucumber';
import { ContractViolation } from '../driver/contract-rules.ts';
import type { TicketWorld } from '../world.ts';

// A status stream may push a status that breaks the contract after the scenario's last call:
// what no later call reported fails the scenario here (support/driver/contract-rules.ts).
After({ name: 'every status a stream pushed kept the contract' }, function (this: TicketWorld, { result }) {
  const broken = this.rules.pending.splice(0);
  if (broken.length === 0) return;
  if (result?.status === Status.FAILED) {
    this.attach(`Also broken by status streams: ${broken.join(' | ')}`, 'text/plain');
    return;
  }
  throw new ContractViolation(`the contract is broken: ${broken.join(' | ')}`);
});
