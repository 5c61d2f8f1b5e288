/** Reads configuration from the environment; every setting is listed in docs/operations.md. */
export class ConfigError extends Error {}

export function env(name: string, fallback?: string): string {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new ConfigError(`environment variable ${name} is required`);
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  return value;
}

export function secretEnv(name: string, minLength = 32): string {
  const value = env(name);
  if (value.length < minLength) throw new ConfigError(`${name} must be at least ${minLength} characters`);
  return value;
}

export type RedisSettings = {
  /** Seed nodes, "host:port,host:port". */
  nodes: { host: string; port: number }[];
  /** Address the cluster announces → address this process can reach (Docker port mapping). */
  natMap: Record<string, { host: string; port: number }>;
};

export function redisSettings(): RedisSettings {
  const nodes = env('REDIS_CLUSTER_NODES')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseHostPort);
  const rawNat = process.env.REDIS_NAT_MAP;
  const natMap: RedisSettings['natMap'] = {};
  if (rawNat) {
    const parsed = JSON.parse(rawNat) as Record<string, string>;
    for (const [from, to] of Object.entries(parsed)) natMap[from] = parseHostPort(to);
  }
  return { nodes, natMap };
}

function parseHostPort(value: string) {
  const at = value.lastIndexOf(':');
  const port = Number(value.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port)) throw new ConfigError(`"${value}" is not host:port`);
  return { host: value.slice(0, at), port };
}
