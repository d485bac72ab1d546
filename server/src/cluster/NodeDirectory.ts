/**
 * This node's answer to "which nodes are there": the registry's live nodes when the node runs on
 * Redis, else this node alone, described the same way (so `GET /api/cluster` has one shape).
 */
import type { ClusterInfo, ClusterNode, NodeLoad, Placement } from '@hybrid-stage/shared';
import { AppError } from '../errors';
import { chooseNode, isFull } from './viewerPlacement';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { NodeRegistry, type NodeIdentity } from './NodeRegistry';
import type { RedisBus } from './RedisBus';

/** What this node says of itself: its settings, and where its HTTP server listens when PUBLIC_URL does not say. */
export function nodeIdentity(config: Config, port: number, startedAt: Date): NodeIdentity {
  const host = config.ANNOUNCED_IP.includes(':') ? `[${config.ANNOUNCED_IP}]` : config.ANNOUNCED_IP;
  return {
    id: config.NODE_ID,
    role: config.NODE_ROLE,
    region: config.NODE_REGION,
    announcedIp: config.ANNOUNCED_IP,
    url: config.PUBLIC_URL ?? `http://${host}:${port}`,
    startedAt: startedAt.toISOString(),
  };
}

export interface NodeDirectoryOptions {
  /** The node's Redis, when REDIS_URL is set. */
  bus: RedisBus | undefined;
  self: NodeIdentity;
  load: () => Promise<NodeLoad>;
  /** CPU share above which a node takes no new viewers (PLACEMENT_CPU_THRESHOLD). */
  threshold: number;
  logger: Logger;
}

/** How long a read of the registry serves placements and handshakes: viewers joining together cost Redis one read. */
const NODES_CACHE_MS = 1000;

/** The last load the heartbeat measured. */
interface LastLoad {
  load: NodeLoad | undefined;
}

export class NodeDirectory {
  readonly #self: NodeIdentity;
  readonly #registry: NodeRegistry | undefined;
  readonly #load: () => Promise<NodeLoad>;
  readonly #threshold: number;
  /** This node's load as last measured (by the registry's heartbeat). */
  readonly #measured: LastLoad;
  #nodes: { at: number; nodes: Promise<ClusterNode[]> } | undefined;

  private constructor(self: NodeIdentity, registry: NodeRegistry | undefined, load: () => Promise<NodeLoad>, threshold: number, measured: LastLoad) {
    this.#self = self;
    this.#registry = registry;
    this.#load = load;
    this.#threshold = threshold;
    this.#measured = measured;
  }

  /** Whether this node, by its last measured load, takes no new viewers (always false on a single node). */
  get full(): boolean {
    const { load } = this.#measured;
    return !!this.#registry && !!load && isFull({ load }, this.#threshold);
  }

  /**
   * Where a viewer in `region` (this node's by default) watches from, leaving out `failed` nodes:
   * NODE_FULL when every candidate is over the threshold. A single node answers itself, whatever
   * its load (it has nowhere else to send viewers), without measuring it.
   */
  async place(region: string | undefined, failed: readonly string[]): Promise<Placement> {
    const self = this.#self;
    if (!this.#registry) return { node: self.id, url: self.url, region: self.region, nodes: [self.url] };
    const nodes = await this.#liveNodes(this.#registry);
    const chosen = chooseNode(nodes, { region: region ?? self.region, failed, threshold: this.#threshold });
    if (!chosen) throw new AppError('NODE_FULL', 'every node that serves viewers is full just now: try again in a moment');
    return { node: chosen.id, url: chosen.url, region: chosen.region, nodes: nodes.map((n) => n.url) };
  }

  /** The live nodes' URLs (this node's alone without Redis), from the same cached read as placement. */
  async urls(): Promise<string[]> {
    if (!this.#registry) return [this.#self.url];
    return (await this.#liveNodes(this.#registry)).map((n) => n.url);
  }

  /** The active origin's URL, from the same cached read; undefined while none is live (a take-over). */
  async originUrl(): Promise<string | undefined> {
    if (!this.#registry) return this.#self.url;
    return (await this.#liveNodes(this.#registry)).find((n) => n.role === 'origin')?.url;
  }

  #liveNodes(registry: NodeRegistry): Promise<ClusterNode[]> {
    const now = Date.now();
    if (!this.#nodes || now - this.#nodes.at > NODES_CACHE_MS) {
      const read = { at: now, nodes: registry.list() };
      this.#nodes = read;
      // A failed read is not served to the next asker (a newer read, if any, is kept).
      read.nodes.catch(() => {
        if (this.#nodes === read) this.#nodes = undefined;
      });
    }
    return this.#nodes.nodes;
  }

  /**
   * Registers this node in Redis when there is one: its first record is tried before this
   * resolves, and written again every heartbeat (a first write that failed is logged by the registry).
   */
  static async start({ bus, self, load, threshold, logger }: NodeDirectoryOptions): Promise<NodeDirectory> {
    // The registry's heartbeat measures the load; the directory keeps the last measure for admission
    // (the first one too, taken before the directory exists).
    const measured: LastLoad = { load: undefined };
    const heartbeatLoad = async () => (measured.load = await load());
    const registry = bus ? await NodeRegistry.start({ redis: bus.redis, self, load: heartbeatLoad, logger }) : undefined;
    return new NodeDirectory(self, registry, load, threshold, measured);
  }

  /** The live nodes. */
  async info(): Promise<ClusterInfo> {
    if (this.#registry) return { redis: true, self: this.#self.id, nodes: await this.#registry.list() };
    return { redis: false, self: this.#self.id, nodes: [{ ...this.#self, updatedAt: new Date().toISOString(), load: await this.#load() }] };
  }

  /** Takes this node out of the registry; idempotent. */
  close(): Promise<void> {
    return this.#registry?.close() ?? Promise.resolve();
  }
}
