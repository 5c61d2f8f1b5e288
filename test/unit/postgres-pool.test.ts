import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Pool } from 'pg';
import { survivePostgresRestarts } from '../../reference-system/core/postgres-pool.ts';

test('a connection the server ends while a request holds it is logged, not an unhandled error that kills the process', () => {
  const warnings: string[] = [];
  const pool = new EventEmitter();
  survivePostgresRestarts(pool as unknown as Pool, { info: () => undefined, error: () => undefined, warn: (event) => warnings.push(event) });
  const client = new EventEmitter();
  pool.emit('connect', client);
  // Without a listener, this emit would throw (and crash a real service).
  client.emit('error', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
  pool.emit('error', new Error('Connection terminated unexpectedly'));
  assert.deepEqual(warnings, ['postgres_connection_lost', 'postgres_idle_client_error']);
});
