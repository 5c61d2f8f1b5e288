import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Cluster } from 'ioredis';
import { createQueueApp } from '../../reference-system/queue/queue-app.ts';
import { createTokenCodec } from '../../reference-system/shared/queue-token.ts';
import { TEST_POLICY } from '../lua/harness.ts';

type Panel = { type: string; title: string; id: number; targets?: { expr: string }[]; gridPos: { x: number; y: number; w: number; h: number } };

const dashboard = JSON.parse(readFileSync(new URL('../../grafana/ticket-rush-queue.json', import.meta.url), 'utf8')) as {
  uid: string;
  panels: Panel[];
};

/** Names the queue app registers, as Prometheus sees them (histograms add three series). */
function exportedSeriesNames(): Set<string> {
  // Never connects: building the app only registers metrics and defines the scripts.
  const redis = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
  const silent = { info() {}, warn() {}, error() {} };
  const { metrics } = createQueueApp({ redis, tokens: createTokenCodec('x'.repeat(32)), logger: silent, adminToken: 'y'.repeat(16), defaultPolicy: TEST_POLICY });
  const names = new Set<string>();
  for (const metric of metrics.registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) names.add(name + suffix);
  }
  redis.disconnect();
  return names;
}

describe('Grafana dashboard grafana/ticket-rush-queue.json', () => {
  it('queries only series the queue service exports', () => {
    const exported = exportedSeriesNames();
    const functions = new Set(['max', 'sum', 'by', 'rate', 'increase', 'histogram_quantile', 'le', 'without']);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets ?? []) {
        const used = [...expr.replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '').matchAll(/[a-z_][a-z0-9_]*/g)].map((m) => m[0]);
        const series = used.filter((word) => !functions.has(word) && !/^(concert|state|route|status|instance|reason)$/.test(word));
        for (const name of series) assert.ok(exported.has(name), `panel "${panel.title}" queries ${name}, which the queue service does not export`);
      }
    }
  });

  it('shows every operational figure the issue asks for', () => {
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
    for (const name of ['queue_entries_total', 'queue_exits_total', 'queue_users', 'queue_enter_to_ready_seconds_bucket', 'http_request_duration_seconds_bucket', 'queue_extensions_total', 'queue_pre_queue_entries_total', 'queue_streams_open', 'queue_streams_refused_total']) {
      assert.ok(exprs.includes(name), `no panel shows ${name}`);
    }
  });

  it('has unique panel ids and no overlapping panels', () => {
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    const cells = new Set<string>();
    for (const { gridPos: g, title } of dashboard.panels) {
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          assert.ok(!cells.has(`${x},${y}`), `panel "${title}" overlaps another at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
      }
      assert.ok(g.x + g.w <= 24, `panel "${title}" is wider than the dashboard`);
    }
  });
});
