import reporter from 'multiple-cucumber-html-reporter';
import path from 'node:path';
import type { RunMetadata } from './run-metadata.ts';

/** Renders reports/json/*.json into reports/html/index.html with the run's metadata. */
export function renderHtmlReport(reportsDir: string, meta: RunMetadata): string {
  const reportPath = path.join(reportsDir, 'html');
  reporter.generate({
    jsonDir: path.join(reportsDir, 'json'),
    reportPath,
    pageTitle: 'Ticket rush e2e',
    reportName: 'Concert ticketing waiting room: end-to-end regression',
    displayDuration: true,
    displayReportTime: true,
    hideMetadata: false,
    metadata: {
      browser: { name: 'chrome', version: 'n/a (HTTP API)' },
      device: `Node ${meta.node}`,
      platform: { name: 'linux', version: process.platform },
    },
    customData: {
      title: 'Run',
      data: [
        { label: 'Commit', value: meta.commit },
        { label: 'Branch', value: meta.branch },
        { label: 'Node.js', value: meta.node },
        { label: 'Target', value: meta.target },
        { label: 'Redis image', value: meta.redisImage ?? 'n/a' },
        { label: 'Redis Cluster', value: meta.cluster ? `${meta.cluster.masters} masters + ${meta.cluster.replicas} replicas` : 'n/a' },
        { label: 'PostgreSQL image', value: meta.postgresImage ?? 'n/a' },
        { label: 'PostgreSQL version', value: meta.postgresVersion ?? 'n/a' },
        { label: 'Queue instances', value: String(meta.queueInstances) },
        { label: 'Workers', value: String(meta.workers) },
        { label: 'Started', value: meta.startedAt },
        { label: 'Wall time', value: meta.wallTimeMs === undefined ? 'n/a' : `${(meta.wallTimeMs / 1000).toFixed(1)} s` },
      ],
    },
  });
  return path.join(reportPath, 'index.html');
}
