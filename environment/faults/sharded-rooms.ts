import type { Cluster } from 'ioredis';
import { queueKeys, shardKeys } from '../../reference-system/waiting-room/keys.ts';
import { commandName, type RunScript } from '../../reference-system/waiting-room/lua-scripts.ts';
import { createAdmissionStore } from '../../reference-system/waiting-room/admission-store.ts';
import { createRoomStore } from '../../reference-system/waiting-room/room-store.ts';
import { layoutOf, entryShard, shardOf, type ShardedLayout } from '../../reference-system/waiting-room/room-layout.ts';
import { firstEligible } from '../../reference-system/waiting-room/sharded-admission.ts';
import type { ScriptReply } from '../../reference-system/waiting-room/script-batches.ts';
import type { StartedRedisCluster } from '../redis-cluster.ts';
import { FaultRefusal, type FaultKind } from './fault-kind.ts';

/**
 * Faults of a waiting room spread over shards (reference-system/waiting-room/sharded-room.ts):
 * - the key of a shard whose master holds no other part of the room (the one most of the fans
 *   named waited on), so a scenario can kill that master (redis-nodes.ts) while the room's home
 *   and other shards stay up;
 * - a master whose clock runs ahead of the others', as a shard's stamps see it: the shard a fan
 *   waits on has its last stamp moved that far into the future, so every arrival there is stamped
 *   as its master's clock would if it ran ahead (stamps are max(clock, last + 1, floor + 1));
 * - a promoter that dies in the middle of an admission batch: the runner resumes admission and,
 *   in the same atomic step, begins a batch as a promoter would (lua/admission/begin.lua), then
 *   cuts the shards, records its plan, takes its fans off one shard only, and stops: what a
 *   queue instance killed between two shards' takes leaves behind, every time, with no race.
 *   It uses the system's own scripts, as a queue instance does.
 * Nothing to restore: the batch is the system's to finish.
 */
export function shardedRoomFaults(redis: StartedRedisCluster, log: (line: string) => void): FaultKind {
  let client: Cluster | undefined;
  const cluster = () => (client ??= redis.createClient());

  const shardedLayout = async (concertId: string): Promise<ShardedLayout> => {
    const layout = layoutOf(await cluster().hgetall(queueKeys(concertId).policy));
    if (!layout.sharded) throw new FaultRefusal(409, `the waiting room of concert ${concertId} is not spread over shards`);
    return layout;
  };

  return {
    handlers: {
      async loneShardKey({ concertId }, body) {
        const of = (body as { userIds?: unknown })?.userIds;
        if (of !== undefined && !(Array.isArray(of) && of.every((u) => typeof u === 'string'))) throw new FaultRefusal(400, 'body must be {} or {"userIds": ["<fan>", …]}');
        const layout = await shardedLayout(concertId);
        const home = (await redis.ownerOf(queueKeys(concertId).policy)).nodeId;
        const owners = await Promise.all(layout.tags.map(async (tag) => (await redis.ownerOf(shardKeys(tag).waiting)).nodeId));
        const lone = layout.tags.map((_, k) => k).filter((k) => owners[k] !== home && owners.filter((owner) => owner === owners[k]).length === 1);
        // With fans named, the lone shard most of them waited on.
        const fansOn = (k: number) => ((of as string[] | undefined) ?? []).filter((userId) => shardOf(userId, layout.shards) === k).length;
        const chosen = lone.sort((a, b) => fansOn(b) - fansOn(a))[0];
        if (chosen === undefined) throw new FaultRefusal(409, `every shard of concert ${concertId} shares its master with another part of the room`);
        return { key: shardKeys(layout.tags[chosen]).waiting, fans: fansOn(chosen) };
      },

      async shardClockAhead({ concertId }, body) {
        const { userId, seconds } = (body ?? {}) as { userId?: unknown; seconds?: unknown };
        if (typeof userId !== 'string' || !Number.isInteger(seconds) || (seconds as number) < 1 || (seconds as number) > 3600) {
          throw new FaultRefusal(400, 'body must be {"userId": "<fan>", "seconds": 1-3600}');
        }
        const layout = await shardedLayout(concertId);
        const shard = shardOf(userId, layout.shards);
        const [s, us] = (await cluster().call('TIME')) as [string, string];
        const ahead = Number(s) * 1e6 + Number(us) + (seconds as number) * 1e6;
        await cluster().hset(shardKeys(layout.tags[shard]).clock, 'last', String(ahead));
        log(`infra: shard ${shard} of concert ${concertId} stamps ${seconds} s ahead`);
        return { shard };
      },

      async stallAdmission({ concertId }, body) {
        const leaseMs = Number((body as { leaseMs?: unknown })?.leaseMs);
        if (!Number.isInteger(leaseMs) || leaseMs < 100 || leaseMs > 60_000) throw new FaultRefusal(400, 'body must be {"leaseMs": 100-60000}');
        const layout = await shardedLayout(concertId);
        const store = createRoomStore(cluster());
        // Resuming admission and beginning the batch in one MULTI: no queue instance's promoter
        // can begin one in between.
        const resumeAndRun: RunScript = async (name, keys, args): Promise<ScriptReply> => {
          const tx = cluster().multi().hset(queueKeys(concertId).policy, 'paused', '0') as unknown as Record<string, (...a: unknown[]) => unknown>;
          tx[commandName(name)](...keys, ...args, 'stalled');
          const results = (await (tx as unknown as { exec(): Promise<[Error | null, unknown][] | null> }).exec()) ?? [];
          const [error, reply] = results[1] ?? [new Error('no reply from the MULTI')];
          if (error) throw error;
          return (reply as [string, ScriptReply])[1];
        };
        const owner = `stalled-${Date.now()}`;
        const start = await createAdmissionStore(resumeAndRun).begin(concertId, { budget: 1000, burstSeconds: 1, rateWindowMs: 60_000, leaseMs, owner, anyoneWaiting: true });
        if (start.outcome !== 'BATCH' || start.batch === null) throw new FaultRefusal(409, `no batch could begin (${start.outcome}): is anyone waiting, with room to let them in?`);
        const cuts = await Promise.all(layout.tags.map((tag) => store.shard.heads(tag, layout.version, start.n, start.batch!, 0)));
        const plan = firstEligible(cuts.map((cut) => (cut.outcome === 'CUT' ? cut : { cut: 0, heads: [] })), start.n);
        if (plan.length === 0 || !(await store.admission.plan(concertId, start.batch, owner, plan))) throw new FaultRefusal(409, 'the batch found nobody to let in');
        const first = entryShard(plan[0])!.shard;
        const taken = await store.shard.take(layout.tags[first], layout.version, start.batch, plan.filter((id) => entryShard(id)!.shard === first));
        if (taken.outcome !== 'TAKEN') throw new FaultRefusal(409, `shard ${first} refused the take (${taken.outcome})`);
        log(`infra: a promoter of concert ${concertId} took ${taken.taken.length} of ${plan.length} fans off shard ${first} and died`);
        return { planned: plan.length, takenOffOneShard: taken.taken.map((t) => t.userId), leaseMs };
      },
    },
    async restore() {
      client?.disconnect();
      client = undefined;
    },
  };
}
