import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Cluster } from 'ioredis';
import { journalKey, queueKeys, shardKeys } from './keys.ts';
import type { ScriptReply } from './script-batches.ts';

/**
 * The bridge to lua/: one Redis script per waiting-room operation (lua/<name>.lua), each run
 * with its family's library in front of it. room-store.ts, shard-store.ts and
 * admission-store.ts call them, one typed function each.
 */
const LUA_DIR = fileURLToPath(new URL('../../lua/', import.meta.url));

/**
 * Every operation in lua/, one file each (test/lua/cluster-safety.test.ts checks the list against
 * the folder). Three families, by the slot they run on and the keys they get:
 * - a room's home slot ({concertId}): the scripts of lua/ itself, with lib/common.lua;
 * - admission of a sharded room, on the same slot with its journal: lua/admission/, with
 *   lib/common.lua and lib/admission.lua;
 * - one shard of a sharded room (a hash tag of its own): lua/shard/, with lib/shard.lua.
 */
export const SCRIPT_NAMES = [
  'enter', 'status', 'activate', 'touch', 'extend', 'finish', 'promote', 'stats', 'layout',
  'admission/begin', 'admission/plan', 'admission/commit', 'admission/journal',
  'shard/enter', 'shard/mark', 'shard/count', 'shard/status', 'shard/finish', 'shard/heads', 'shard/take',
  'shard/sweep', 'shard/stats', 'shard/policy', 'shard/lock',
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

/**
 * Writes a fan is told succeeded, and the steps of an admission batch that must outlive a
 * failover of their master (a batch's plan, takes and commit: lua/admission/); with durable
 * writes on, each waits for a replica.
 */
export const DURABLE_SCRIPTS: ReadonlySet<ScriptName> = new Set<ScriptName>([
  'enter', 'activate', 'extend', 'finish', 'layout',
  'admission/plan', 'admission/commit',
  'shard/enter', 'shard/mark', 'shard/finish', 'shard/take', 'shard/policy', 'shard/lock',
]);

type Family = 'room' | 'admission' | 'shard';
const familyOf = (name: ScriptName): Family => (name.startsWith('shard/') ? 'shard' : name.startsWith('admission/') ? 'admission' : 'room');
const LIBRARIES: Record<Family, string[]> = { room: ['common.lua'], admission: ['common.lua', 'admission.lua'], shard: ['shard.lua'] };

/** Every home-slot script gets the same ten keys of one concert, in this order (see lua/lib/common.lua). */
export function scriptKeys(concertId: string): string[] {
  const k = queueKeys(concertId);
  return [k.policy, k.seq, k.waiting, k.ready, k.active, k.users, k.entries, k.stats, k.turns, k.draw];
}

/** Admission scripts: the ten, then the journal (lua/lib/admission.lua). */
export function admissionKeys(concertId: string): string[] {
  return [...scriptKeys(concertId), journalKey(concertId)];
}

/** Every shard script gets the same seven keys of one shard, in this order (see lua/lib/shard.lua). */
export function shardScriptKeys(tag: string): string[] {
  const k = shardKeys(tag);
  return [k.policy, k.clock, k.waiting, k.users, k.entries, k.taken, k.stats];
}

const KEY_COUNT: Record<Family, number> = { room: scriptKeys('x').length, admission: admissionKeys('x').length, shard: shardScriptKeys('x').length };

/**
 * The source Redis runs for one script: `#!lua` first, which makes Redis 7 refuse any key outside
 * the slot of the declared keys (without it, any key on the same node would be allowed), then
 * its family's library, then the operation itself, whose reply comes back as {call id, reply}:
 * the call id is the last argument of every call (script-batches.ts checks it).
 */
export function scriptSource(name: ScriptName): string {
  const libraries = LIBRARIES[familyOf(name)].map((file) => readFileSync(path.join(LUA_DIR, 'lib', file), 'utf8'));
  const body = readFileSync(path.join(LUA_DIR, `${name}.lua`), 'utf8');
  return [
    '#!lua',
    ...libraries,
    'local function operation()',
    body,
    'end',
    'local reply = operation()',
    // An error reply stays one, so Redis and the caller see it as such.
    "if type(reply) == 'table' and reply.err then return reply end",
    'return {ARGV[#ARGV], reply}',
  ].join('\n');
}

/** Runs one script on the keys of its slot, in the next batch of that slot (with a WAIT if durable). */
export type RunScript = (name: ScriptName, keys: string[], args: (string | number)[]) => Promise<ScriptReply>;

/** The ioredis command a script is registered as. */
export const commandName = (name: ScriptName) => `queue_${name.replace('/', '_')}`;

/**
 * Registers every script as an ioredis command: ioredis sends EVALSHA and falls back to EVAL once
 * per node, so a script costs one round trip, shared with the other calls of the same
 * event-loop turn (script-batches.ts).
 */
export function defineScripts(redis: Cluster): void {
  for (const name of SCRIPT_NAMES) {
    redis.defineCommand(commandName(name), { numberOfKeys: KEY_COUNT[familyOf(name)], lua: scriptSource(name) });
  }
}
