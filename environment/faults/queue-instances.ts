import type { ServiceName, StartedReferenceSystem } from '../reference-system.ts';
import { FaultRefusal, RESTORE_TIMEOUT_MS, type FaultKind } from './fault-kind.ts';

/**
 * Queue instances killed and started again (SIGKILL for a child process, `docker kill` for a
 * container): what a crashed server looks like to the fans it served. Restoring also restarts a
 * core service that is down, and waits until every service is ready.
 */
export function queueInstanceFaults(system: StartedReferenceSystem, log: (line: string) => void): FaultKind {
  const queueNames = system.endpoints.queueUrls.map((_, i) => `queue-${i + 1}` as ServiceName);
  const instance = (raw: string): ServiceName => {
    const name = queueNames[Number(raw) - 1];
    if (!/^\d+$/.test(raw) || !name) throw new FaultRefusal(404, `no queue instance ${raw}; there are ${queueNames.length}`);
    return name;
  };
  return {
    handlers: {
      async killQueueServer({ instance: raw }) {
        const name = instance(raw);
        await system.kill(name);
        log(`infra: killed ${name}`);
        return { instance: Number(raw), running: false };
      },
      async startQueueServer({ instance: raw }) {
        const name = instance(raw);
        if (!system.isRunning(name)) await system.restart(name);
        log(`infra: ${name} running again`);
        return { instance: Number(raw), running: true };
      },
    },
    state: () => ({ queueInstances: queueNames.map((name, i) => ({ instance: i + 1, running: system.isRunning(name) })) }),
    async restore() {
      for (const name of ['core', ...queueNames] as ServiceName[]) {
        if (!system.isRunning(name)) await system.restart(name);
      }
      await system.waitUntilReady(RESTORE_TIMEOUT_MS);
    },
  };
}
