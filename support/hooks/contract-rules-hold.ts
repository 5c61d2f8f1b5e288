import { After, Status } from '@cucumber/cucumber';
import { ContractViolation, listed } from '../driver/contract-rules.ts';
import type { TicketWorld } from '../world.ts';

// A status stream, or a fault scenario's traffic, may get an answer that breaks the contract after
// the scenario's last call: what no later call reported fails the scenario here
// (support/driver/contract-rules.ts).
After({ name: 'every status a stream pushed, and every answer the traffic got, kept the contract' }, function (this: TicketWorld, { result }) {
  const broken = this.rules.pending.splice(0);
  if (broken.length === 0) return;
  if (result?.status === Status.FAILED) {
    this.attach(`Also broken, by status streams or traffic: ${broken.join(' | ')}`, 'text/plain');
    return;
  }
  throw new ContractViolation(`the contract is broken: ${listed(broken)}`);
});
