import { RedisContainer } from '@testcontainers/redis';
import { Network, getContainerRuntimeClient, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { Cluster, Redis } from 'ioredis';
import { trackNetwork } from './cleanup.ts';
import { freePorts } from './free-ports.ts';

const REDIS_PORT = 6379;

export type RedisNode = {
  /** Its alias on the cluster network, e.g. redis-3: how reports and fault steps name it. */
  name: string;
  container: StartedTestContainer;
  /** Address inside the Docker network, as the cluster announces it. */
  internal: { host: string; port: number };
  /** Address this process reaches it on (127.0.0.1 and the mapped port). */
  external: { host: string; port: number };
};

export type ClusterLayout = { masters: number; replicas: number; nodes: number };

/** One line of CLUSTER NODES, as far as fault scenarios need it. */
export type ClusterNodeView = { id: string; address: string; flags: string[]; masterId?: string; slots: [number, number][] };

/** The master serving a key's slot, as the live nodes see it. */
export type SlotOwner = { slot: number; nodeId: string; node: RedisNode; failing: boolean };

/**
 * A Redis Cluster of `masters` masters with `replicas` replicas each (one unless told: 0 for a
 * measurement of the masters alone), one container per node on a private network. Start it with
 * `new RedisClusterContainer(image).start()`.
 */
export class RedisClusterContainer {
  private masters = 3;
  private replicas = 1;
  private nodeTimeoutMs = 2000;
  private labels: Record<string, string> = {};
  private network?: StartedNetwork;

  private readonly image: string;

  constructor(image: string) {
    this.image = image;
  }

  withMasters(count: number): this {
    this.masters = count;
    return this;
  }

  /** Replicas per master (0–2). */
  withReplicas(count: number): this {
    if (!Number.isInteger(count) || count < 0 || count > 2) throw new Error(`replicas per master must be 0, 1 or 2, got ${count}`);
    this.replicas = count;
    return this;
  }

  /** cluster-node-timeout: how long a master may be silent before its replica takes over. */
  withNodeTimeout(ms: number): this {
    this.nodeTimeoutMs = ms;
    return this;
  }

  withLabels(labels: Record<string, string>): this {
    this.labels = { ...this.labels, ...labels };
    return this;
  }

  /** A network of the caller's (shared with PostgreSQL and the services); default: one of its own. */
  withNetwork(network: StartedNetwork): this {
    this.network = network;
    return this;
  }

  async start(): Promise<StartedRedisCluster> {
    const ownsNetwork = !this.network;
    const network = this.network ?? (await new Network().start());
    trackNetwork(network.getId());
    const started: StartedTestContainer[] = [];
    try {
      const total = this.masters * (1 + this.replicas);
      // Fixed host ports: a node that is killed and started again comes back on the same
      // 127.0.0.1 port, so the natMap every client was given stays valid.
      const hostPorts = await freePorts(total);
      // allSettled, not all: on a failure, every container that did start is known and removed.
      const results = await Promise.allSettled(
        Array.from({ length: total }, (_, i) =>
          // The module's Redis defaults (port 6379, wait for "Ready to accept connections",
          // redis-server) with the cluster's own flags and a fixed host port.
          new RedisContainer(this.image)
            .withNetwork(network)
            .withNetworkAliases(`redis-${i}`)
            .withLabels(this.labels)
            .withExposedPorts({ container: REDIS_PORT, host: hostPorts[i] })
            .withCommand([
              'redis-server',
              // nodes.conf lives in the container's /data, so a restarted node rejoins as itself.
              '--port', String(REDIS_PORT),
              '--protected-mode', 'no',
              '--cluster-enabled', 'yes',
              '--cluster-config-file', 'nodes.conf',
              '--cluster-node-timeout', String(this.nodeTimeoutMs),
              '--appendonly', 'no',
              '--save', '',
              '--repl-diskless-sync', 'yes',
              '--repl-diskless-sync-delay', '0',
              '--maxmemory-policy', 'noeviction',
            ])
            .start(),
        ),
      );
      for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const containers = started;
      const nodes: RedisNode[] = containers.map((container, i) => ({
        name: `redis-${i}`,
        container,
        internal: { host: container.getIpAddress(network.getName()), port: REDIS_PORT },
        external: { host: '127.0.0.1', port: container.getMappedPort(REDIS_PORT) },
      }));

      const create = await containers[0].exec([
        'redis-cli', '--cluster', 'create',
        ...nodes.map((n) => `${n.internal.host}:${n.internal.port}`),
        '--cluster-replicas', String(this.replicas), '--cluster-yes',
      ]);
      if (create.exitCode !== 0) throw new Error(`redis-cli --cluster create failed:\n${create.output}`);

      const cluster = new StartedRedisCluster(network, nodes, this.masters, ownsNetwork);
      await cluster.waitUntilHealthy(30_000);
      return cluster;
    } catch (error) {
      await Promise.allSettled(started.map((c) => c.stop({ remove: true, removeVolumes: true })));
      if (ownsNetwork) await network.stop().catch(() => undefined);
      throw error;
    }
  }
}

export class StartedRedisCluster {
  readonly network: StartedNetwork;
  readonly nodes: RedisNode[];
  private readonly expectedMasters: number;
  private readonly ownsNetwork: boolean;

  constructor(network: StartedNetwork, nodes: RedisNode[], expectedMasters: number, ownsNetwork = true) {
    this.network = network;
    this.nodes = nodes;
    this.expectedMasters = expectedMasters;
    this.ownsNetwork = ownsNetwork;
  }

  /** Seed nodes for a client on the cluster's network, by name (redis-0:6379, ...). */
  getInternalSeedNodes(): { host: string; port: number }[] {
    return this.nodes.map((n) => ({ host: n.name, port: REDIS_PORT }));
  }

  /** Seed nodes for a client on this host. */
  getSeedNodes(): { host: string; port: number }[] {
    return this.nodes.map((n) => n.external);
  }

  /** ioredis natMap: announced container address → reachable 127.0.0.1 address. */
  getNatMap(): Record<string, { host: string; port: number }> {
    return Object.fromEntries(this.nodes.map((n) => [`${n.internal.host}:${n.internal.port}`, n.external]));
  }

  createClient(): Cluster {
    return new Cluster(this.getSeedNodes(), { natMap: this.getNatMap(), redisOptions: { connectTimeout: 2000 } });
  }

  /** A plain client to one node, for CLUSTER/INFO commands. */
  connectNode(node: RedisNode): Redis {
    const client = new Redis({ ...node.external, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000 });
    // A node being killed or started refuses connections; callers see that as a rejected command.
    client.on('error', () => undefined);
    return client;
  }

  /** Masters and replicas as the nodes currently see them. */
  async layout(): Promise<ClusterLayout> {
    const client = this.connectNode(this.nodes[0]);
    try {
      const flags = String(await client.call('CLUSTER', 'NODES')).trim().split('\n').map((l) => l.split(' ')[2]);
      return {
        nodes: flags.length,
        masters: flags.filter((f) => f.includes('master') && !f.includes('fail')).length,
        replicas: flags.filter((f) => f.includes('slave') && !f.includes('fail')).length,
      };
    } finally {
      client.disconnect();
    }
  }

  /** Nodes killed by `kill` and not started again yet. */
  private readonly down = new Set<RedisNode>();

  killedNodes(): RedisNode[] {
    return [...this.down];
  }

  /** CLUSTER NODES as the first live node that answers sees it. */
  async clusterNodes(): Promise<ClusterNodeView[]> {
    return this.onLiveNode(async (client) => parseClusterNodes(String(await client.call('CLUSTER', 'NODES'))));
  }

  /**
   * The master a key's slot is assigned to right now. While its master is down and not yet
   * replaced, that is still the dead node, marked `failing`.
   */
  async ownerOf(key: string): Promise<SlotOwner> {
    return this.onLiveNode(async (client) => {
      const slot = Number(await client.call('CLUSTER', 'KEYSLOT', key));
      const view = parseClusterNodes(String(await client.call('CLUSTER', 'NODES')));
      const owner = view.find((n) => n.flags.includes('master') && n.slots.some(([from, to]) => slot >= from && slot <= to));
      if (!owner) throw new Error(`no master serves slot ${slot}`);
      const node = this.nodeAt(owner.address);
      // Killed by us counts as failing before the cluster has noticed (node-timeout).
      const failing = this.down.has(node) || owner.flags.some((f) => f.startsWith('fail'));
      return { slot, nodeId: owner.id, node, failing };
    });
  }

  /** `docker kill` (SIGKILL): the node vanishes mid-command, as on a crash or power loss. */
  async kill(node: RedisNode): Promise<void> {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    this.down.add(node);
    await docker.getContainer(node.container.getId()).kill();
  }

  /**
   * `docker start` of a killed node: same container, same nodes.conf, same host port. Its
   * address on the cluster network must be the one it had, or every natMap would be stale.
   */
  async start(node: RedisNode): Promise<void> {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const container = docker.getContainer(node.container.getId());
    await container.start().catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 304) throw error; // 304: already running
    });
    this.down.delete(node);
    const inspect = await container.inspect();
    const ip = inspect.NetworkSettings.Networks[this.network.getName()]?.IPAddress;
    if (ip !== node.internal.host) {
      throw new Error(`redis node came back on ${ip}, not ${node.internal.host}: clients' natMap no longer matches`);
    }
  }

  /** The replica of a master, as the live nodes see it. */
  async replicaOf(masterId: string): Promise<RedisNode> {
    const replica = (await this.clusterNodes()).find((n) => n.masterId === masterId && n.flags.includes('slave'));
    if (!replica) throw new Error(`master ${masterId} has no replica`);
    return this.nodeAt(replica.address);
  }

  /** Starts every killed node again and waits until the cluster is whole (masters + replicas). */
  async restore(timeoutMs: number): Promise<void> {
    for (const node of [...this.down]) await this.start(node);
    await this.waitUntilHealthy(timeoutMs);
  }

  private nodeAt(address: string): RedisNode {
    const host = address.split('@')[0].split(',')[0];
    const node = this.nodes.find((n) => `${n.internal.host}:${n.internal.port}` === host);
    if (!node) throw new Error(`unknown node address ${address}`);
    return node;
  }

  private async onLiveNode<T>(work: (client: Redis) => Promise<T>): Promise<T> {
    let lastError: unknown;
    for (const node of this.nodes.filter((n) => !this.down.has(n))) {
      const client = this.connectNode(node);
      try {
        await client.connect();
        return await work(client);
      } catch (error) {
        lastError = error;
      } finally {
        client.disconnect();
      }
    }
    throw new Error(`no Redis node answered: ${(lastError as Error)?.message}`);
  }

  /**
   * Healthy means: every reachable node says cluster_state:ok and knows all nodes, there are
   * `expectedMasters` masters and every other node a replica, and every replica's link to its master is
   * up. "All slots covered" alone is not enough: replicas can be invisible for a while.
   */
  async waitUntilHealthy(timeoutMs: number, nodes: RedisNode[] = this.nodes): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'not checked yet';
    while (Date.now() < deadline) {
      last = await this.healthProblem(nodes);
      if (!last) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`Redis Cluster not healthy after ${timeoutMs} ms: ${last}`);
  }

  private async healthProblem(nodes: RedisNode[]): Promise<string> {
    for (const node of nodes) {
      const client = this.connectNode(node);
      try {
        await client.connect();
        const info = String(await client.call('CLUSTER', 'INFO'));
        if (!info.includes('cluster_state:ok')) return `${node.internal.host} reports cluster_state not ok`;
        const known = Number(/cluster_known_nodes:(\d+)/.exec(info)?.[1]);
        if (known !== nodes.length) return `${node.internal.host} knows ${known} of ${nodes.length} nodes`;
        const lines = String(await client.call('CLUSTER', 'NODES')).trim().split('\n');
        const flags = lines.map((l) => l.split(' ')[2]);
        if (flags.some((f) => f.includes('fail') || f.includes('handshake') || f.includes('noaddr'))) {
          return `${node.internal.host} sees nodes failing or in handshake`;
        }
        const masters = flags.filter((f) => f.includes('master')).length;
        const replicas = flags.filter((f) => f.includes('slave')).length;
        if (masters !== this.expectedMasters || replicas !== nodes.length - this.expectedMasters) {
          return `${node.internal.host} sees ${masters} masters and ${replicas} replicas`;
        }
        const replication = String(await client.info('replication'));
        if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) {
          return `replica ${node.internal.host} has its master link down`;
        }
      } catch (error) {
        return `${node.internal.host}: ${(error as Error).message}`;
      } finally {
        client.disconnect();
      }
    }
    return '';
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.nodes.map((n) => n.container.stop({ remove: true, removeVolumes: true, timeout: 1 })));
    if (this.ownsNetwork) await this.network.stop().catch(() => undefined);
  }
}

/** `<id> <ip:port@bus[,hostname]> <flags> <master> <ping> <pong> <epoch> <link> <slot>...` */
export function parseClusterNodes(text: string): ClusterNodeView[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, master, , , , , ...slotFields] = line.trim().split(' ');
      const slots = slotFields
        .filter((f) => !f.startsWith('['))
        .map((f) => {
          const [from, to] = f.split('-').map(Number);
          return [from, to ?? from] as [number, number];
        });
      return { id, address, flags: flags.split(','), masterId: master === '-' ? undefined : master, slots };
    });
}
