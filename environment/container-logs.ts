import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getContainerRuntimeClient } from 'testcontainers';
import { RUN_ID, RUN_LABEL } from './images.ts';
import { SERVICE_LABEL } from './reference-system-containers.ts';

/**
 * What a reviewer of a failed run needs once the containers are gone: before teardown removes
 * them, every container of this run writes its log to <logsDir>/containers/<role>.log (role:
 * its network alias, such as redis-3, else its image's name, such as postgres) and the list of
 * them, as `docker ps -a` shows it, goes to <logsDir>/docker-ps.txt. A service container's
 * log is already <logsDir>/<service>.log (written as it came, across restarts), so it is
 * listed only. The CI artifact uploads reports/ as it is. Returns how many containers it wrote.
 */
export async function captureContainerLogs(logsDir: string): Promise<number> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const containers = await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${RUN_ID}`] } });
  mkdirSync(path.join(logsDir, 'containers'), { recursive: true });
  const rows = [['CONTAINER ID', 'ROLE', 'IMAGE', 'CREATED', 'STATUS', 'PORTS', 'NAMES']];
  const taken = new Set<string>();
  for (const info of containers.sort((a, b) => a.Created - b.Created)) {
    const container = docker.getContainer(info.Id);
    const inspected = await container.inspect();
    const aliases = Object.values(inspected.NetworkSettings.Networks ?? {}).flatMap((net) => net.Aliases ?? []);
    let role = aliases.find((alias) => !info.Id.startsWith(alias)) ?? path.basename(info.Image.split(':')[0]);
    for (let n = 2; taken.has(role); n++) role = `${role.replace(/-\d+$/, '')}-${n}`;
    taken.add(role);
    const service = info.Labels?.[SERVICE_LABEL];
    if (service) {
      role = service;
    } else {
      const log = (await container.logs({ stdout: true, stderr: true, timestamps: true, follow: false })) as unknown as Buffer;
      writeFileSync(path.join(logsDir, 'containers', `${role}.log`), demultiplex(log));
    }
    rows.push([
      info.Id.slice(0, 12),
      role,
      info.Image,
      new Date(info.Created * 1000).toISOString(),
      info.Status,
      info.Ports.filter((p) => p.PublicPort).map((p) => `${p.IP ?? ''}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`).join(', '),
      info.Names.map((name) => name.replace(/^\//, '')).join(','),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  writeFileSync(path.join(logsDir, 'docker-ps.txt'), `${rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n')}\n`);
  return containers.length;
}

/**
 * A container without a TTY answers `logs` as frames: 8 bytes of header (stream, 0, 0, 0,
 * length as 32-bit big-endian), then the bytes. Keeps the bytes of stdout and stderr in order.
 */
function demultiplex(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length && raw[at] <= 2 && raw[at + 1] === 0) {
    const length = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  // Not framed (a TTY container): the bytes as they came.
  return at === 0 ? raw : Buffer.concat(parts);
}
