import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from 'koa';
import { requireAdmin } from '../../reference-system/shared/admin-auth.ts';
import { ApiError } from '../../reference-system/shared/errors.ts';

const ADMIN = 'the-operators-admin-token-0123456789';
const guard = requireAdmin(ADMIN);
const call = async (authorization?: string) => {
  let reached = false;
  const ctx = { get: (name: string) => (name.toLowerCase() === 'authorization' ? (authorization ?? '') : '') } as unknown as Context;
  try {
    await guard(ctx, async () => {
      reached = true;
    });
    return reached ? 'allowed' : 'stopped';
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return `${error.status} ${error.code}`;
  }
};

test('the operators key as a Bearer token is let through', async () => {
  assert.equal(await call(`Bearer ${ADMIN}`), 'allowed');
});

test('anything else is 401 ADMIN_UNAUTHORIZED and never reaches the handler', async () => {
  for (const authorization of [
    undefined,
    '',
    'Bearer',
    'Bearer ',
    `Basic ${ADMIN}`,
    `bearer ${ADMIN}`,
    `Bearer  ${ADMIN}`,
    `Bearer ${ADMIN}x`,
    `Bearer ${ADMIN.slice(0, -1)}`,
    `Bearer ${ADMIN.toUpperCase()}`,
    `${ADMIN}`,
    'Bearer v1.eyJ9.c2lnbmF0dXJl',
  ]) {
    assert.equal(await call(authorization), '401 ADMIN_UNAUTHORIZED', String(authorization));
  }
});
