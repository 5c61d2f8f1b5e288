/**
 * `node scripts/profile-summary.ts <file.cpuprofile> [top]`: where a service's CPU went, from a
 * V8 profile (`--service-env "SERVICE_NODE_ARGS=--cpu-prof --cpu-prof-dir=/tmp/prof"`, see
 * docs/load.md). Self time by component (an npm package, a reference-system file, Node's
 * internals, the garbage collector) and the hottest functions, as % of the busy (non-idle) time.
 */
import { readFileSync } from 'node:fs';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** The component a frame belongs to: package, app file, node internals or a V8 pseudo-frame. */
function component(n: Node): string {
  const { url, functionName } = n.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const app = /(reference-system\/.+|lua\/.+|load\/.+)$/.exec(url);
  if (app) return app[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url;
}

const components = new Map<string, number>();
const functions = new Map<string, number>();
let busy = 0;
let idle = 0;
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  const c = component(n);
  if (c === '(idle)') {
    idle += us;
    continue;
  }
  busy += us;
  components.set(c, (components.get(c) ?? 0) + us);
  const f = `${n.callFrame.functionName || '(anonymous)'} ${c}:${n.callFrame.lineNumber + 1}`;
  functions.set(f, (functions.get(f) ?? 0) + us);
}
const pct = (us: number) => `${((us / busy) * 100).toFixed(1)}%`.padStart(6);
console.log(`${file}: ${(busy / 1e6).toFixed(2)} s busy, ${(idle / 1e6).toFixed(2)} s idle`);
console.log('\nself time by component');
for (const [c, us] of [...components].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${c}`);
console.log('\nhottest functions (self time)');
for (const [f, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${f}`);
