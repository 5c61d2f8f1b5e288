import { getContainerRuntimeClient, getReaper, LABEL_TESTCONTAINERS_SESSION_ID } from 'testcontainers';
import { OWNER_PID_LABEL } from './images.ts';

/**
 * Cleanup without Ryuk (its image cannot be pulled where no registry is reachable): removes
 * every container and network of this process's Testcontainers session. Safe to call twice.
 */
export async function removeSessionResources(): Promise<number> {
  const client = await getContainerRuntimeClient();
  const sessionId = (await getReaper(client)).sessionId;
  return removeBySession(sessionId);
}

/**
 * Removes what earlier runs left when they were killed too hard to clean up (SIGKILL, power
 * loss): containers whose owner process on this host no longer exists, and their networks.
 */
export async function removeOrphansOfDeadRuns(): Promise<number> {
  const client = await getContainerRuntimeClient();
  const docker = client.container.dockerode;
  const containers = await docker.listContainers({ all: true, filters: { label: [OWNER_PID_LABEL] } });
  const deadSessions = new Set<string>();
  for (const info of containers) {
    const pid = Number(info.Labels[OWNER_PID_LABEL]);
    if (!isAlive(pid)) deadSessions.add(info.Labels[LABEL_TESTCONTAINERS_SESSION_ID]);
  }
  let removed = 0;
  for (const session of deadSessions) removed += await removeBySession(session);
  return removed;
}

async function removeBySession(sessionId: string): Promise<number> {
  const client = await getContainerRuntimeClient();
  const docker = client.container.dockerode;
  const label = `${LABEL_TESTCONTAINERS_SESSION_ID}=${sessionId}`;
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.allSettled(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  const networks = await docker.listNetworks({ filters: { label: [label] } });
  await Promise.allSettled(networks.map((n) => docker.getNetwork(n.Id).remove()));
  return containers.length;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
