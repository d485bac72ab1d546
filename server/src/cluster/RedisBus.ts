/**
 * The cluster's connection to Redis (REDIS_URL): one ioredis client for commands, from which the
 * socket.io adapter duplicates the connections it reads with. ioredis reconnects by itself after
 * Redis restarts or the network drops; commands given meanwhile wait for the connection and go
 * out once it is back, so a broadcast made during an outage reaches other nodes late rather than
 * never (and this node's sockets at once, see COMMAND_TIMEOUT_MS).
 */
import { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { redactedUrl } from '../config';
import { StartupError } from '../errors';
import type { Logger } from '../logger';

/** Longest wait between two reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 2000;
/**
 * Longest a command on the command connection is waited for. socket.io's cluster adapter delivers
 * a broadcast to this node's own sockets only once Redis has taken it (ClusterAdapter.broadcast
 * awaits the XADD): while Redis is away this bounds that wait, so a node keeps serving its own
 * clients. The command itself stays queued and goes out on reconnection, so other nodes get the
 * broadcast late, not never.
 */
const COMMAND_TIMEOUT_MS = 500;
/** Every key and stream this product writes in Redis starts with this. */
export const KEY_PREFIX = 'hybrid-stage:';

export class RedisBus {
  readonly #logger: Logger;
  readonly #url: string;
  /** Shared with the client's retry strategy (and so with the adapter's duplicates of the client). */
  readonly #state: { closing: boolean };
  #closed: Promise<void> | undefined;
  /** Whether a lost connection was already reported (one warning per outage, not per attempt). */
  #lost = false;

  private constructor(
    /** The command connection: the node registry writes with it, the adapter publishes with it. */
    readonly redis: Redis,
    url: string,
    logger: Logger,
    state: { closing: boolean },
  ) {
    this.#url = redactedUrl(url);
    this.#logger = logger;
    this.#state = state;
    redis.on('error', (err) => {
      if (!this.#lost && !this.#state.closing) logger.warn({ err: err.message, redis: this.#url }, 'Redis connection failed; reconnecting');
      this.#lost = true;
    });
    redis.on('close', () => {
      if (!this.#lost && !this.#state.closing) logger.warn({ redis: this.#url }, 'Redis connection lost; reconnecting');
      this.#lost = true;
    });
    redis.on('ready', () => {
      if (this.#lost) logger.info({ redis: this.#url }, 'Redis connection back');
      this.#lost = false;
    });
  }

  /** Connects to `url`; a Redis that cannot be reached stops the start with a StartupError naming it. */
  static async start(url: string, logger: Logger): Promise<RedisBus> {
    const state = { closing: false };
    const redis = new Redis(url, {
      lazyConnect: true,
      connectionName: 'hybrid-stage',
      // Wait for the connection however long Redis is away, rather than failing a broadcast or a
      // blocking read after a count of attempts (the adapter would loop on such failures).
      maxRetriesPerRequest: null,
      // Shared by the adapter's duplicates of this client: once closing, nobody reconnects, so a
      // read blocked in a connection that then drops ends instead of waiting for a Redis that is gone.
      retryStrategy: (attempt) => (state.closing ? null : Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS)),
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    // The adapter reads the stream and subscribes through duplicates of this client: those wait as
    // long as it takes (a blocking read timed out while Redis is away would be queued again and
    // again, and replayed one after the other on reconnection).
    const duplicate = redis.duplicate.bind(redis);
    redis.duplicate = (override) => duplicate({ ...override, commandTimeout: undefined });
    redis.on('error', () => undefined); // reported by the bus once it is built; a failed first connect is thrown below
    try {
      await redis.connect();
    } catch (error) {
      state.closing = true;
      redis.disconnect();
      throw new StartupError(`cannot reach Redis at ${redactedUrl(url)} (REDIS_URL): ${(error as Error).message}`);
    }
    return new RedisBus(redis, url, logger, state);
  }

  /**
   * socket.io's adapter on a Redis stream: every node appends its broadcasts and reads everyone's,
   * resuming from the last entry it read after a reconnect, so none is lost across a short outage.
   */
  adapter(): ReturnType<typeof createAdapter> {
    return createAdapter(this.redis, {
      streamName: `${KEY_PREFIX}socket.io`,
      channelPrefix: `${KEY_PREFIX}socket.io`,
      sessionKeyPrefix: `${KEY_PREFIX}socket.io:session:`,
      // The stream is trimmed to about this many broadcasts; a node away longer than they take misses the oldest.
      maxLen: 10_000,
      // How long a read blocks: also how long the adapter's reading connection outlives a stop.
      blockTimeInMs: 1000,
    });
  }

  /** Closes the connection (after the adapter's, which socket.io closes with the server); idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#state.closing = true;
      await this.redis.quit().catch(() => this.redis.disconnect());
      this.#logger.debug({ redis: this.#url }, 'Redis connection closed');
    })();
    return this.#closed;
  }
}
