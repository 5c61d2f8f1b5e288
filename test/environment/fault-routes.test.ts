import assert from 'node:assert/strict';
import { test } from 'node:test';
import { faultCall, faultRoutes, matchFaultRoute, type FaultRouteName } from '../../environment/faults/routes.ts';
import { routes } from '../../support/driver/routes.ts';

// The server and the driver share one route table: every call the driver builds is one the
// server recognises, with the same parameters.

test('every fault route the driver calls is the route the server matches, parameters included', () => {
  const calls: [FaultRouteName, readonly [string, string]][] = [
    ['state', routes.infrastructure.state()],
    ['killQueueServer', routes.infrastructure.killQueueServer(2)],
    ['startQueueServer', routes.infrastructure.startQueueServer(2)],
    ['redisOwner', routes.infrastructure.redisOwner()],
    ['killRedisOwner', routes.infrastructure.killRedisOwner()],
    ['silenceReplica', routes.infrastructure.silenceReplica()],
    ['restoreRedis', routes.infrastructure.restoreRedis()],
    ['cutRedisReplication', routes.infrastructure.cutRedisReplication()],
    ['stallPromoters', routes.infrastructure.stallPromoters()],
    ['loneShardKey', routes.infrastructure.loneShardKey('c-1')],
    ['shardClockAhead', routes.infrastructure.shardClockAhead('c-1')],
    ['stallAdmission', routes.infrastructure.stallAdmission('c-1')],
    ['restartPostgres', routes.infrastructure.restartPostgres()],
    ['restoreAll', routes.infrastructure.restoreAll()],
    ['faultNetwork', routes.infrastructure.faultNetwork('queue-1')],
    ['restoreNetwork', routes.infrastructure.restoreNetwork()],
  ];
  assert.deepEqual(calls.map(([name]) => name).sort(), Object.keys(faultRoutes).sort(), 'the driver covers every route');
  for (const [name, [method, path]] of calls) {
    assert.equal(method, faultRoutes[name].method, name);
    assert.equal(matchFaultRoute(path)?.name, name, path);
  }
  assert.deepEqual(matchFaultRoute('/queue-instances/2/kill')?.params, { instance: '2' });
  assert.deepEqual(matchFaultRoute(faultCall('faultNetwork', { service: 'a/b' })[1])?.params, { service: 'a/b' });
});

test('a path no route has matches nothing, and a missing parameter is an error', () => {
  assert.equal(matchFaultRoute('/queue-instances/2'), undefined);
  assert.equal(matchFaultRoute('/state/extra'), undefined);
  assert.throws(() => faultCall('killQueueServer'), /needs instance/);
});
