/**
 * The cluster's node registry in Redis (the LiveKit pattern): each node writes its own record
 * (id, role, region, addresses, load) every HEARTBEAT_MS under a key that expires after TTL_MS.
 * A node whose key expired is dead: there is no other membership protocol. A node that stops
 * deletes its key at once; one killed drops out when the key expires.
 */
import type { Redis } from 'ioredis';
import { ClusterNode, type NodeLoad } from '@hybrid-stage/shared';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { KEY_PREFIX } from './RedisBus';

/** How often a node writes its record. */
const HEARTBEAT_MS = 2000;
/** How long a record lives without a new write: three heartbeats, so one late write is not a death. */
const TTL_MS = 6000;
const NODE_KEYS = `${KEY_PREFIX}node:`;
/** Records read per SCAN step when listing. */
const SCAN_COUNT = 200;

/** What a node says of itself, apart from its load and the time it writes. */
export type NodeIdentity = Omit<ClusterNode, 'load' | 'updatedAt'>;

export interface NodeRegistryOptions {
  redis: Redis;
  self: NodeIdentity;
  /** Measures this node's load at each heartbeat. */
  load: () => Promise<NodeLoad>;
  logger: Logger;
}

export class NodeRegistry {
  readonly #redis: Redis;
  readonly #self: NodeIdentity;
  readonly #load: () => Promise<NodeLoad>;
  readonly #logger: Logger;
  readonly #key: string;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #failing = false;
  /** Whether a record has been written yet (the first write is logged as the registration). */
  #registered = false;
  #closed: Promise<void> | undefined;
  /** After Redis comes back (restarted empty, perhaps), the record is written at once, not at the next beat. */
  readonly #onReady = () => void this.#heartbeat();

  private constructor({ redis, self, load, logger }: NodeRegistryOptions) {
    this.#redis = redis;
    this.#self = self;
    this.#load = load;
    this.#logger = logger;
    this.#key = NODE_KEYS + self.id;
  }

  /** Writes this node's first record, then keeps writing it every {@link HEARTBEAT_MS}. */
  static async start(options: NodeRegistryOptions): Promise<NodeRegistry> {
    const registry = new NodeRegistry(options);
    await registry.#heartbeat();
    registry.#timer = setInterval(() => void registry.#heartbeat(), HEARTBEAT_MS);
    registry.#timer.unref();
    options.redis.on('ready', registry.#onReady);
    return registry;
  }

  /** The live nodes (this one included once it has written), by id. Records that do not parse are skipped. */
  async list(): Promise<ClusterNode[]> {
    if (this.#redis.status !== 'ready') throw new AppError('INVALID_STATE', 'Redis is not reachable just now; this node is reconnecting');
    const keys = await liveNodeKeys(this.#redis);
    if (keys.size === 0) return [];
    const values = await this.#redis.mget(...keys);
    const nodes: ClusterNode[] = [];
    for (const value of values) {
      if (value === null) continue; // expired between SCAN and MGET
      const parsed = ClusterNode.safeParse(safeJson(value));
      if (parsed.success) nodes.push(parsed.data);
      else this.#logger.warn({ record: value.slice(0, 200) }, 'skipping a node record that does not parse');
    }
    return nodes.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Writes this node's record with a fresh expiry; skipped while Redis is away or a write is under way. */
  #heartbeat(): Promise<void> {
    if (this.#closed || this.#writing || this.#redis.status !== 'ready') return this.#writing ?? Promise.resolve();
    this.#writing = (async () => {
      try {
        const record: ClusterNode = { ...this.#self, updatedAt: new Date().toISOString(), load: await this.#load() };
        await this.#redis.set(this.#key, JSON.stringify(record), 'PX', TTL_MS);
        if (!this.#registered) {
          const { id, role, region, url } = this.#self;
          this.#logger.info({ node: id, role, region, url }, 'registered in the cluster');
        } else if (this.#failing) this.#logger.info('node registry written again');
        this.#registered = true;
        this.#failing = false;
      } catch (err) {
        if (!this.#failing) this.#logger.warn({ err }, 'cannot write this node to the registry; retrying at the next heartbeat');
        this.#failing = true;
      } finally {
        this.#writing = undefined;
      }
    })();
    return this.#writing;
  }

  /** Stops writing and deletes this node's record, so it drops out at once; idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      clearInterval(this.#timer);
      this.#redis.off('ready', this.#onReady);
      await this.#writing;
      // A Redis that is away keeps the record until it expires; the stop does not wait for it.
      if (this.#redis.status === 'ready') await this.#redis.del(this.#key).catch(() => undefined);
    })();
    return this.#closed;
  }
}

/** The keys of the live nodes' records (not yet expired); SCAN may name a key twice, the set once. */
async function liveNodeKeys(redis: Redis): Promise<Set<string>> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${NODE_KEYS}*`, 'COUNT', SCAN_COUNT);
    for (const key of found) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** The ids of the live nodes, without reading their records. */
export async function liveNodeIds(redis: Redis): Promise<string[]> {
  return [...(await liveNodeKeys(redis))].map((key) => key.slice(NODE_KEYS.length));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
