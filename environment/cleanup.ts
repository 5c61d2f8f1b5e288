import { getContainerRuntimeClient } from 'testcontainers';
import { OWNER_PID_LABEL, RUN_ID, RUN_LABEL } from './images.ts';

/** Networks this run created; containers know theirs too, but a network may have none yet. */
const runNetworks = new Set<string>();

export function trackNetwork(id: string): void {
  runNetworks.add(id);
}

/**
 * Cleanup without Ryuk (its image cannot be pulled where no registry is reachable): removes
 * every container and network of this run. Safe to call more than once.
 */
export async function removeRunResources(): Promise<number> {
  const removed = await removeRun(RUN_ID);
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  await Promise.allSettled([...runNetworks].map((id) => docker.getNetwork(id).remove()));
  runNetworks.clear();
  return removed;
}

/**
 * Removes what earlier runs left when they were killed too hard to clean up (SIGKILL, power
 * loss): containers whose owner process on this host no longer exists, and their networks.
 */
export async function removeOrphansOfDeadRuns(): Promise<number> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const containers = await docker.listContainers({ all: true, filters: { label: [OWNER_PID_LABEL] } });
  const deadRuns = new Set<string>();
  for (const info of containers) {
    if (!isAlive(Number(info.Labels[OWNER_PID_LABEL]))) deadRuns.add(info.Labels[RUN_LABEL]);
  }
  let removed = 0;
  for (const run of deadRuns) removed += await removeRun(run);
  return removed;
}

async function removeRun(runId: string): Promise<number> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const containers = await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
  const networks = new Set<string>();
  for (const info of containers) {
    for (const [name, net] of Object.entries(info.NetworkSettings?.Networks ?? {})) {
      if (!['bridge', 'host', 'none'].includes(name)) networks.add(net.NetworkID);
    }
  }
  await Promise.allSettled(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  await Promise.allSettled([...networks].map((id) => docker.getNetwork(id).remove()));
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
