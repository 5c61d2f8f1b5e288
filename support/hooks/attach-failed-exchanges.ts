import { After, AfterStep, BeforeStep, Status } from '@cucumber/cucumber';
import { formatTranscript } from '../http/exchange-transcript.ts';
import { maskExchanges } from '../http/mask-secrets.ts';
import type { Exchange } from '../http/api-client.ts';
import { target } from '../target.ts';
import type { TicketWorld } from '../world.ts';

/** Enough to see the failing call and what led to it, without burying it. */
const EXCHANGES_TO_ATTACH = 3;

function attachExchanges(world: TicketWorld, exchanges: readonly Exchange[], heading: string): void {
  const masked = maskExchanges(exchanges, [target.adminToken]);
  world.attach(`${heading} (secrets masked, oldest first)\n\n${formatTranscript(masked)}`, {
    mediaType: 'text/plain',
    fileName: 'http-exchanges.txt',
  });
}

BeforeStep(function (this: TicketWorld) {
  this.exchangesBeforeStep = this.api.exchanges.length;
});

// An AfterStep hook runs inside the step, so its attachments belong to the failed step itself
// (in the messages, the JSON and the HTML report) rather than to a hidden "After" pseudo-step.
AfterStep(function (this: TicketWorld, { result }) {
  if (result?.status !== Status.FAILED) return;
  const all = this.api.exchanges;
  const duringStep = all.slice(this.exchangesBeforeStep);
  if (duringStep.length > 0) {
    attachExchanges(this, duringStep.slice(-EXCHANGES_TO_ATTACH), 'HTTP exchanges of the failed step');
  } else if (all.length > 0) {
    // Typically a Then step asserting on what the When step got back.
    attachExchanges(this, all.slice(-EXCHANGES_TO_ATTACH), 'The step made no HTTP call; the last exchanges before it');
  }
  this.failureAttached = true;
});

// A failure outside any step (a Before/After hook) still deserves the exchanges that led to it.
After(function (this: TicketWorld, { result }) {
  if (result?.status !== Status.FAILED || this.failureAttached || this.api.exchanges.length === 0) return;
  attachExchanges(this, this.api.exchanges.slice(-EXCHANGES_TO_ATTACH), 'Last HTTP exchanges before the scenario failed');
});
