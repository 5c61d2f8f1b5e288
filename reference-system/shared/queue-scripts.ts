import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Cluster } from 'ioredis';
import { queueKeys } from './queue-keys.ts';
import type { DurableWrites } from './durable-writes.ts';
import { createScriptBatches } from './script-batches.ts';

const LUA_DIR = fileURLToPath(new URL('../../lua/', import.meta.url));

/** Every script gets the same ten keys of one concert, in this order (see lua/lib/common.lua). */
export function scriptKeys(concertId: string): string[] {
  const k = queueKeys(concertId);
  return [k.policy, k.seq, k.waiting, k.ready, k.active, k.users, k.entries, k.stats, k.turns, k.draw];
}

export type ScriptValue = string | number | null | ScriptValue[];
export type ScriptReply = ScriptValue[];

/**
 * The source Redis runs for one script: `#!lua` first, which makes Redis 7 refuse any key outside
 * the slot of the declared keys (without it, any key on the same node would be allowed), then
 * lua/lib/common.lua, then the operation itself, whose reply comes back as {call id, reply}:
 * the call id is the last argument of every call (script-batches.ts checks it).
 */
export function scriptSource(name: string): string {
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

/** Names of the operations in lua/ (one file each). */
export function scriptNames(): string[] {
  return readdirSync(LUA_DIR)
    .filter((f) => f.endsWith('.lua'))
    .map((f) => f.slice(0, -4));
}

/**
 * Loads lua/*.lua as ioredis commands: ioredis sends EVALSHA and falls back to EVAL once per
 * node, so a script costs one round trip, shared with the other calls of the same event-loop
 * turn (script-batches.ts).
 */
export function loadScripts(redis: Cluster, options: { durableWrites?: DurableWrites } = {}) {
  const names = scriptNames();
  for (const name of names) {
    redis.defineCommand(commandName(name), { numberOfKeys: scriptKeys('x').length, lua: scriptSource(name) });
  }
  const batches = createScriptBatches(redis, options.durableWrites);
  return {
    names,
    /** With durable writes: replica counts by master (readiness waits for them). */
    replicas: batches.replicas,
    run(name: string, concertId: string, ...args: (string | number)[]): Promise<ScriptReply> {
      if (!names.includes(name)) return Promise.reject(new Error(`no Lua script named ${name}`));
      return batches.run(commandName(name), scriptKeys(concertId), args, options.durableWrites !== undefined && DURABLE_SCRIPTS.has(name));
    },
  };
}

export type QueueScripts = ReturnType<typeof loadScripts>;

/** Writes a user is told succeeded; with durable writes on, each waits for a replica. */
const DURABLE_SCRIPTS = new Set(['enter', 'activate', 'extend', 'finish']);

const commandName = (file: string) => `queue_${file.replace(/[^a-z0-9]/gi, '_')}`;
