import type { ScriptName } from './lua-scripts.ts';
import type { ScriptReply, ScriptValue } from './script-batches.ts';

/** Reading a Lua script's reply (room-store.ts, shard-store.ts, admission-store.ts share these). */

/** What a waiting fan's estimate and poll advice are based on. */
export type EstimateBasis = {
  /** Admissions per second the promoters measured; null until a first window was measured. */
  measuredRate: number | null;
  admitPerSecond: number;
  readyTtlSeconds: number;
};

export const asList = (value: ScriptValue): ScriptValue[] => (Array.isArray(value) ? value : []);

/** A Lua false arrives as null. */
export const numberOrNull = (value: ScriptValue | undefined): number | null => (value === null || value === undefined ? null : Number(value));

/** {measuredRate or false, admitPerSecond, readyTtlSeconds}, as lib/common.lua and lib/shard.lua give it. */
export function parseBasis(value: ScriptValue): EstimateBasis {
  const [measuredRate, admitPerSecond, readyTtlSeconds] = asList(value);
  return { measuredRate: numberOrNull(measuredRate), admitPerSecond: Number(admitPerSecond), readyTtlSeconds: Number(readyTtlSeconds) };
}

/** A Lua field/value list (HGETALL) as a record. */
export function toRecord(list: ScriptValue): Record<string, string> {
  const record: Record<string, string> = {};
  const items = asList(list);
  for (let i = 0; i + 1 < items.length; i += 2) record[String(items[i])] = String(items[i + 1]);
  return record;
}

export const unexpected = (script: ScriptName, reply: ScriptReply) => new Error(`${script}.lua replied ${JSON.stringify(reply).slice(0, 200)}, which no caller expects`);
