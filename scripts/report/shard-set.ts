/**
 * Whether shard outputs make one whole run: every shard 1..n of one --shard total present
 * exactly once, all of one commit and one suite invocation, on one kind of target. A set that
 * does not is refused with every reason at once, never merged into a smaller run.
 *
 * Must be equal: the shard total; the commit; the number of scenarios cucumber dealt out (the
 * suite after --tags, --name and paths); the cucumber arguments apart from --shard (so the
 * same --tags, --name, paths, profile and order); the Node.js major version; the target
 * (managed or external, and an external target's core URL); how the reference system ran
 * (containers or child processes) and the names of its images, Redis's and PostgreSQL's.
 * The features and support code are compared too, message by message, when the streams are
 * merged (merge-envelopes.ts).
 * May differ: the start times, wall times, exit codes (a failing shard is merged, and fails
 * the merged gate), workers, host, the Node.js patch version and the images' ids (an image
 * built on each machine from one commit gets an id of its own).
 */
import { shardLabel, withoutShard } from '../../environment/cucumber-shard.ts';
import type { RunMetadata } from '../../environment/run-metadata.ts';
import type { ShardOutput } from './shard-output.ts';

export class ShardSetError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`not one whole run, so not merged:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** What every shard of one run shares, each as a line a person can compare. */
const sameInEveryShard: { what: string; of: (meta: RunMetadata) => string }[] = [
  { what: 'commit', of: (m) => m.commit },
  { what: 'count of scenarios to deal out (after --tags, --name and paths)', of: (m) => String(m.shard?.suite) },
  { what: 'cucumber arguments apart from --shard', of: (m) => JSON.stringify(withoutShard(m.cucumberArgs ?? [])) },
  { what: 'Node.js major version', of: (m) => m.node.replace(/^v?(\d+).*/, 'v$1') },
  { what: 'target', of: (m) => (m.target === 'external' ? `external ${m.coreUrl ?? ''}` : m.target) },
  { what: 'reference system', of: (m) => (m.target === 'external' ? '' : (m.system ?? 'containers')) },
  {
    what: 'images',
    of: (m) =>
      JSON.stringify([m.redisImage, m.postgresImage, ...Object.entries(m.serviceImages ?? {}).sort().map(([kind, i]) => `${kind} ${i.image}`)].filter(Boolean)),
  },
];

/** The shards in index order; throws ShardSetError listing every problem. */
export function checkShardSet(outputs: readonly ShardOutput[]): ShardOutput[] {
  if (outputs.length === 0) throw new ShardSetError(['no shard output given: pass the folders the shards wrote (reports/shards/*)']);
  const problems: string[] = [];
  const sorted = [...outputs].sort((a, b) => a.meta.shard.index - b.meta.shard.index || a.meta.shard.total - b.meta.shard.total);
  const list = (group: readonly ShardOutput[]) => group.map((o) => `${shardLabel(o.meta.shard)} (${o.dir})`).join(', ');

  const totals = new Set(sorted.map((o) => o.meta.shard.total));
  if (totals.size > 1) problems.push(`the shards were cut for different totals: ${list(sorted)}`);
  const total = Math.max(...totals);

  for (let index = 1; index <= total; index++) {
    const these = sorted.filter((o) => o.meta.shard.index === index);
    if (these.length === 0 && totals.size === 1) problems.push(`shard ${index}/${total} is missing: a merged run needs every shard from 1/${total} to ${total}/${total}`);
    if (these.length > 1) problems.push(`shard ${index}/${total} is given ${these.length} times: ${list(these)}`);
  }

  for (const { what, of } of sameInEveryShard) {
    const values = new Map<string, ShardOutput[]>();
    for (const output of sorted) values.set(of(output.meta), [...(values.get(of(output.meta)) ?? []), output]);
    if (values.size > 1) {
      problems.push(`the shards differ in their ${what}: ${[...values].map(([value, group]) => `${value || '(none)'} in ${group.map((o) => shardLabel(o.meta.shard)).join(', ')}`).join('; ')}`);
    }
  }
  if (problems.length) throw new ShardSetError(problems);
  return sorted;
}
