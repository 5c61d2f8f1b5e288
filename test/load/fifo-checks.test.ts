import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admissionOrderViolations, causalOrderViolations, causalOrderViolators } from '../../load/checks/fifo.ts';

test('causal order: overlapping requests may land in either order, sequential ones may not', () => {
  // a answered at 10, b asked at 20: a must be ahead. c overlapped b: either order is fine.
  const arrivals = [
    { sentAt: 0, answeredAt: 10 }, // a
    { sentAt: 20, answeredAt: 30 }, // b
    { sentAt: 25, answeredAt: 28 }, // c
  ];
  assert.equal(causalOrderViolations(arrivals, [0, 1, 2]), 0);
  assert.equal(causalOrderViolations(arrivals, [0, 2, 1]), 0, 'b and c overlapped');
  assert.equal(causalOrderViolations(arrivals, [1, 0, 2]), 1, 'b placed ahead of a, who had finished first');
  assert.equal(causalOrderViolations(arrivals, [2, 1, 0]), 2);
  assert.equal(causalOrderViolations(arrivals, [undefined, 0, 1]), 0, 'a lost user is not compared');
});

test('causal order across clocks: a pair closer than the margin is not compared, one further apart is', () => {
  // a answered at 10 on one machine's clock, b asked at 13 on another's, and b was placed ahead.
  const arrivals = [
    { sentAt: 0, answeredAt: 10 }, // a
    { sentAt: 13, answeredAt: 20 }, // b
  ];
  assert.deepEqual(causalOrderViolators(arrivals, [1, 0]), [false, true], 'one clock: b asked after a\'s answer');
  assert.deepEqual(causalOrderViolators(arrivals, [1, 0], 5), [false, false], 'clocks up to 5 ms apart: 3 ms proves nothing');
  assert.deepEqual(causalOrderViolators([arrivals[0], { sentAt: 16, answeredAt: 20 }], [1, 0], 5), [false, true], '6 ms apart is beyond the margin');
});

test('admission order: nobody still waits after someone who asked later was admitted', () => {
  const a = { sentAt: 0, answeredAt: 10, lastWaitingSentAt: 500, admittedSeenAt: 1000 };
  const b = { sentAt: 20, answeredAt: 30, lastWaitingSentAt: 900, admittedSeenAt: 1100 };
  assert.equal(admissionOrderViolations([a, b]), 0);
  // b was seen admitted at 800 while a, who entered first, still waited at 900: a was skipped.
  const aStillWaiting = { ...a, lastWaitingSentAt: 900 };
  const bAdmittedEarly = { ...b, lastWaitingSentAt: 30, admittedSeenAt: 800 };
  assert.equal(admissionOrderViolations([aStillWaiting, bAdmittedEarly]), 1);
  // If b asked before a was answered, their order is unknown and not compared.
  assert.equal(admissionOrderViolations([aStillWaiting, { ...bAdmittedEarly, sentAt: 5 }]), 0);
});
