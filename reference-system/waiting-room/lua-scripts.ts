import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Cluster } from 'ioredis';
import { queueKeys } from './keys.ts';

/**
 * The bridge to lua/: one Redis script per waiting-room operation (lua/<name>.lua), each run
 * with lua/lib/common.lua in front of it. room-store.ts calls them, one typed function each.
 */
const LUA_DIR = fileURLToPath(new URL('../../lua/', import.meta.url));

/** Every operation in lua/, one file each (test/lua/cluster-safety.test.ts checks the list against the folder). */
export const SCRIPT_NAMES = ['enter', 'status', 'activate', 'touch', 'extend', 'finish', 'promote', 'stats'] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

/** Writes a fan is told succeeded; with durable writes on, each waits for a replica. */
export const DURABLE_SCRIPTS: ReadonlySet<ScriptName> = new Set(['enter', 'activate', 'extend', 'finish']);

/** Every script gets the same ten keys of one concert, in this order (see lua/lib/common.lua). */
export function scriptKeys(concertId: string): string[] {
  const k = queueKeys(concertId);
  return [k.policy, k.seq, k.waiting, k.ready, k.active, k.users, k.entries, k.stats, k.turns, k.draw];
}

/**
 * The source Redis runs for one script: `#!lua` first, which makes Redis 7 refuse any key outside
 * the slot of the declared keys (without it, any key on the same node would be allowed), then
 * lua/lib/common.lua, then the operation itself, whose reply comes back as {call id, reply}:
 * the call id is the last argument of every call (script-batches.ts checks it).
 */
export function scriptSource(name: ScriptName): string {
  const common = readFileSync(path.join(LUA_DIR, 'lib', 'common.lua'), 'utf8');
  const body = readFileSync(path.join(LUA_DIR, `${name}.lua`), 'utf8');
  return [
    '#!lua',
    common,
    'local function operation()',
    body,
    'end',
    'local reply = operation()',
    // An error reply stays one, so Redis and the caller see it as such.
    "if type(reply) == 'table' and reply.err then return reply end",
    'return {ARGV[#ARGV], reply}',
  ].join('\n');
}

/** The ioredis command a script is registered as. */
export const commandName = (name: ScriptName) => `queue_${name}`;

/**
 * Registers every script as an ioredis command: ioredis sends EVALSHA and falls back to EVAL once
 * per node, so a script costs one round trip, shared with the other calls of the same
 * event-loop turn (script-batches.ts).
 */
export function defineScripts(redis: Cluster): void {
  for (const name of SCRIPT_NAMES) {
    redis.defineCommand(commandName(name), { numberOfKeys: scriptKeys('x').length, lua: scriptSource(name) });
  }
}
