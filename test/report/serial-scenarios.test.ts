import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pickle } from '@cucumber/messages';
import { mayRunAlongside } from '../../support/serial-scenarios.ts';

const pickle = (name: string, ...tags: string[]): Pickle => ({
  id: name,
  uri: 'features/x.feature',
  name,
  language: 'en',
  steps: [],
  tags: tags.map((tag) => ({ name: tag, astNodeId: `${name}${tag}` })),
  astNodeIds: [],
});

describe('mayRunAlongside', () => {
  const ordinary = pickle('ordinary', '@smoke');
  const otherOrdinary = pickle('other');
  const serial = pickle('kills a Redis master', '@serial');

  it('lets anything start on an idle suite', () => {
    assert.equal(mayRunAlongside(serial, []), true);
    assert.equal(mayRunAlongside(ordinary, []), true);
  });

  it('lets ordinary scenarios run side by side', () => {
    assert.equal(mayRunAlongside(ordinary, [otherOrdinary]), true);
  });

  it('keeps a @serial scenario from starting beside anything', () => {
    assert.equal(mayRunAlongside(serial, [ordinary]), false);
    assert.equal(mayRunAlongside(serial, [pickle('another serial', '@serial')]), false);
  });

  it('keeps everything from starting beside a running @serial scenario', () => {
    assert.equal(mayRunAlongside(ordinary, [serial]), false);
    assert.equal(mayRunAlongside(ordinary, [otherOrdinary, serial]), false);
  });
});
