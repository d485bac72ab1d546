/**
 * This node's answer to "which nodes are there": the registry's live nodes when the node runs on
 * Redis, else this node alone, described the same way (so `GET /api/cluster` has one shape).
 */
import type { ClusterInfo, NodeLoad } from '@hybrid-stage/shared';
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
  logger: Logger;
}

export class NodeDirectory {
  readonly #self: NodeIdentity;
  readonly #registry: NodeRegistry | undefined;
  readonly #load: () => Promise<NodeLoad>;

  private constructor(self: NodeIdentity, registry: NodeRegistry | undefined, load: () => Promise<NodeLoad>) {
    this.#self = self;
    this.#registry = registry;
    this.#load = load;
  }

  /**
   * Registers this node in Redis when there is one: its first record is tried before this
   * resolves, and written again every heartbeat (a first write that failed is logged by the registry).
   */
  static async start({ bus, self, load, logger }: NodeDirectoryOptions): Promise<NodeDirectory> {
    const registry = bus ? await NodeRegistry.start({ redis: bus.redis, self, load, logger }) : undefined;
    return new NodeDirectory(self, registry, load);
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
