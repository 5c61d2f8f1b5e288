import { defineParameterType } from '@cucumber/cucumber';

/** "Ann", "Ann and Ben", "Ann, Ben and Cat": fans named in a step, in the order written. */
defineParameterType({
  name: 'fans',
  regexp: /[A-Z][a-z]+(?:, [A-Z][a-z]+)*(?: and [A-Z][a-z]+)?/,
  transformer: (list: string) => list.split(/, | and /),
});

/** What a fan can do with a place in the queue. */
defineParameterType({
  name: 'placeAction',
  regexp: /take a turn|leave the queue|check the queue/,
  transformer: (action: string) => action,
});

/** What an operator can do with a waiting room. */
defineParameterType({
  name: 'adminAction',
  regexp: /change the policy|pause admission|resume admission|read the statistics/,
  transformer: (action: string) => action,
});

/** Credentials someone who is not the operator might present. */
defineParameterType({
  name: 'credentials',
  regexp: /no credentials|a wrong admin token/,
  transformer: (credentials: string) => (credentials === 'no credentials' ? 'none' : 'wrong'),
});
