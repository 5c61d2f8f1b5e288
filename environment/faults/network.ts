import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getContainerRuntimeClient } from 'testcontainers';
import { runLabels } from '../images.ts';
import type { ServiceName, StartedReferenceSystem } from '../reference-system.ts';
import type { TestEnvironment } from '../test-environment.ts';
import { FaultRefusal, type FaultKind } from './fault-kind.ts';

const CONTEXT = path.join(import.meta.dirname, 'netfault');

/**
 * A fault on the links from one container to some peers, made with the kernel's own tools in
 * that container's network namespace (what Pumba does): iptables for loss (the `statistic`
 * match, both directions) and cuts (REJECT with a TCP reset, so the service sees the failure at
 * once instead of waiting for a timeout), an htb class for a throttle on the data the container
 * sends to the peers. No netem: this machine's kernel has none.
 */
export type NetworkFault = { kind: 'loss'; percent: number } | { kind: 'cut' } | { kind: 'throttle'; bitsPerSecond: number };

export const describeFault = (fault: NetworkFault): string =>
  fault.kind === 'loss' ? `${fault.percent} % packet loss` : fault.kind === 'cut' ? 'cut' : `throttled to ${fault.bitsPerSecond} bit/s`;

/** The shell commands that make the fault, run with bash in the sidecar. */
export function faultCommands(fault: NetworkFault, peers: string[]): string[] {
  switch (fault.kind) {
    case 'loss': {
      const p = (fault.percent / 100).toFixed(4);
      return peers.flatMap((ip) => [
        `iptables -A OUTPUT -d ${ip} -m statistic --mode random --probability ${p} -j DROP`,
        `iptables -A INPUT -s ${ip} -m statistic --mode random --probability ${p} -j DROP`,
      ]);
    }
    case 'cut':
      return peers.flatMap((ip) => [
        `iptables -A OUTPUT -d ${ip} -p tcp -j REJECT --reject-with tcp-reset`,
        `iptables -A OUTPUT -d ${ip} -j REJECT`,
        `iptables -A INPUT -s ${ip} -j DROP`,
      ]);
    case 'throttle':
      return [
        // The interface the peers are reached on: a container is on Docker's default bridge as
        // well as the suite's network, and which of them is eth0 changes from run to run.
        `dev=$(ip -o route get ${peers[0]} | grep -o 'dev [^ ]*' | cut -d' ' -f2)`,
        // Everything else keeps its speed (class 1:1); what goes to the peers shares class 1:2.
        'tc qdisc add dev "$dev" root handle 1: htb default 1',
        'tc class add dev "$dev" parent 1: classid 1:1 htb rate 10gbit',
        `tc class add dev "$dev" parent 1: classid 1:2 htb rate ${fault.bitsPerSecond}bit burst 400b cburst 400b`,
        // Packets under 128 bytes (handshakes, bare ACKs) keep their speed, as on a link that
        // prioritises ACKs: a connection still opens and a request still arrives, its answer is
        // what crawls. Else a fresh connection would time out before any request was made.
        'tc filter add dev "$dev" parent 1: protocol ip prio 1 u32 match u16 0x0000 0xff80 at 2 flowid 1:1',
        ...peers.map((ip) => `tc filter add dev "$dev" parent 1: protocol ip prio 2 u32 match ip dst ${ip}/32 flowid 1:2`),
        // The class starts with a full bucket and refills whenever it idles: an answer sent 12 s
        // after the fault went out at full speed (measured). Queue junk datagrams ahead instead:
        // the link stays busy, and every answer waits in line, for THROTTLE_BACKLOG_SECONDS
        // (fewer at fast rates: the queue is finite).
        `for i in $(seq ${junkDatagrams(fault.bitsPerSecond)}); do head -c ${JUNK_PAYLOAD_BYTES} /dev/zero > /dev/udp/${peers[0]}/9; done`,
      ];
  }
}

export const THROTTLE_BACKLOG_SECONDS = 120;
const JUNK_PAYLOAD_BYTES = 1000;
const JUNK_WIRE_BYTES = JUNK_PAYLOAD_BYTES + 42; // UDP, IP and Ethernet headers
const MAX_JUNK_DATAGRAMS = 900; // the class's pfifo holds 1,000 packets (the interface's txqueuelen)

/** How many junk datagrams keep a link of this rate busy for THROTTLE_BACKLOG_SECONDS. */
export const junkDatagrams = (bitsPerSecond: number): number =>
  Math.min(MAX_JUNK_DATAGRAMS, Math.max(2, Math.ceil((bitsPerSecond / 8) * THROTTLE_BACKLOG_SECONDS / JUNK_WIRE_BYTES)));

/** Undoes every fault in the namespace (a restarted container starts with a fresh one anyway). */
export const LIFT_COMMANDS = [
  'iptables -F INPUT',
  'iptables -F OUTPUT',
  'for dev in $(ls /sys/class/net); do tc qdisc del dev "$dev" root 2>/dev/null || true; done',
];

export type Sidecars = {
  apply(containerId: string, fault: NetworkFault, peers: string[]): Promise<void>;
  /** Any commands, run with bash in the container's namespace. */
  run(containerId: string, commands: string[]): Promise<void>;
  lift(containerId: string): Promise<void>;
};

/**
 * Runs each change in a one-shot sidecar that joins the target's network namespace with
 * NET_ADMIN, then is removed; the rules stay with the namespace. The sidecar's image (iptables,
 * iproute2 on Debian bookworm) is built once, tagged by its Dockerfile and base.
 */
export function sidecars(): Sidecars {
  let image: Promise<string> | undefined;
  const sidecar = async (containerId: string, commands: string[]) => {
    image ??= sidecarImage();
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const container = await docker.createContainer({
      Image: await image,
      Cmd: ['bash', '-euc', commands.join('\n')],
      Labels: runLabels(),
      HostConfig: { NetworkMode: `container:${containerId}`, CapAdd: ['NET_ADMIN'] },
    });
    try {
      await container.start();
      const { StatusCode } = (await container.wait()) as { StatusCode: number };
      if (StatusCode !== 0) {
        const output = (await container.logs({ stdout: true, stderr: true })) as unknown as Buffer;
        throw new Error(`network fault commands failed (${StatusCode}): ${output.toString('utf8').replace(/[\x00-\x08]/g, '').trim()}`);
      }
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  };
  return {
    apply: (containerId, fault, peers) => sidecar(containerId, faultCommands(fault, peers)),
    run: sidecar,
    lift: (containerId) => sidecar(containerId, LIFT_COMMANDS),
  };
}

async function sidecarImage(): Promise<string> {
  const base = process.env.E2E_NETFAULT_BASE_IMAGE || 'debian:bookworm-slim';
  const dockerfile = readFileSync(path.join(CONTEXT, 'Dockerfile'));
  const tag = `ticket-rush/netfault:${createHash('sha256').update(base).update(dockerfile).digest('hex').slice(0, 12)}`;
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  if (await docker.getImage(tag).inspect().then(() => true, () => false)) return tag;
  const stream = await docker.buildImage({ context: CONTEXT, src: ['Dockerfile'] }, { t: tag, buildargs: { BASE: base }, rm: true, forcerm: true });
  let failure = '';
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve()), (event: { error?: string }) => {
      if (event.error) failure = event.error;
    });
  });
  if (failure) throw new Error(`building the network-fault sidecar ${tag} from ${base} failed: ${failure}`);
  return tag;
}

/**
 * Network faults on the links from a service's container (core, queue-1, payment-gateway) to a
 * peer (postgres, redis, core). Containers mode only: a child process has no namespace of its
 * own to fault, so there the route answers 409 and the scenarios skip.
 */
export function networkFaults(environment: TestEnvironment, system: StartedReferenceSystem, log: (line: string) => void): FaultKind {
  const run = sidecars();
  // The containers faulted, to lift them again.
  const faulted = new Map<ServiceName, string>();
  const serviceContainer = (raw: string): { name: ServiceName; id: string } => {
    const name = raw as ServiceName;
    if (!system.containerId) throw new FaultRefusal(409, 'network faults need the services in containers (E2E_SYSTEM=containers)');
    const id = system.containerId(name);
    if (!id) throw new FaultRefusal(404, `no running service container ${raw}`);
    return { name, id };
  };
  const peerAddresses = async (peer: unknown): Promise<string[]> => {
    const network = environment.info.network;
    if (peer === 'postgres') return [environment.postgres.getIpAddress(network)];
    if (peer === 'redis') return environment.redis.nodes.map((n) => n.internal.host);
    if (peer === 'core') {
      const id = system.containerId?.('core');
      if (!id) throw new FaultRefusal(404, 'the core service is not running in a container');
      const docker = (await getContainerRuntimeClient()).container.dockerode;
      return [(await docker.getContainer(id).inspect()).NetworkSettings.Networks[network].IPAddress];
    }
    throw new FaultRefusal(400, 'peer must be "postgres", "redis" or "core"');
  };
  const faultOf = (body: unknown): NetworkFault => {
    const b = (body ?? {}) as { lossPercent?: unknown; cut?: unknown; bitsPerSecond?: unknown };
    if (typeof b.lossPercent === 'number' && b.lossPercent > 0 && b.lossPercent <= 100) return { kind: 'loss', percent: b.lossPercent };
    if (b.cut === true) return { kind: 'cut' };
    if (typeof b.bitsPerSecond === 'number' && Number.isInteger(b.bitsPerSecond) && b.bitsPerSecond >= 8) return { kind: 'throttle', bitsPerSecond: b.bitsPerSecond };
    throw new FaultRefusal(400, 'body needs one of lossPercent (0-100], cut: true, bitsPerSecond (integer >= 8)');
  };
  const liftAll = async () => {
    // A container restarted since has a fresh namespace: nothing to lift there.
    await Promise.allSettled([...faulted].map(([name, id]) => (system.containerId?.(name) === id ? run.lift(id) : undefined)));
    faulted.clear();
  };
  return {
    handlers: {
      async faultNetwork({ service }, body) {
        const { name, id } = serviceContainer(service);
        const peer = (body as { peer?: unknown })?.peer;
        const fault = faultOf(body);
        await run.apply(id, fault, await peerAddresses(peer));
        faulted.set(name, id);
        log(`infra: ${name} → ${String(peer)}: ${describeFault(fault)}`);
        return { service: name, peer, fault: describeFault(fault) };
      },
      async restoreNetwork() {
        const lifted = faulted.size;
        await liftAll();
        return { lifted };
      },
    },
    restore: liftAll,
  };
}
