/**
 * Which origin is the active one: a lease in Redis (one key holding the node's id, expiring after
 * LEASE_MS unless renewed). The active origin renews it every RENEW_MS; a second origin started
 * beside it (the standby) waits until the key is gone, a killed origin's after LEASE_MS, a stopped
 * one's at once (it deletes its own), then takes it and starts the origin's work. The same pattern
 * as the node registry: Redis's key expiry is the failure detector, there is no protocol of our own.
 *
 * An origin that finds another node holding its lease (it was stalled past LEASE_MS and the standby
 * took over) has lost it: it is told so ({@link OriginLease.onLost}) and must stop, so that two
 * origins never run the same event. After Redis restarts empty, the holder writes its key again at
 * once, and a standby waits a whole LEASE_MS before it tries, so a restart does not move the event.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { KEY_PREFIX } from './RedisBus';

/** How long the lease lasts without a renewal: what a killed origin costs before the standby starts. */
export const LEASE_MS = 4000;
/** How often the holder renews it: four tries before it lapses. */
const RENEW_MS = 1000;
/** How often a standby looks whether the lease is free. */
const WAIT_MS = 500;
const LEASE_KEY = `${KEY_PREFIX}origin-lease`;

/**
 * Renews the lease if this node holds it, takes it again if Redis lost it (restarted empty): 1; held
 * by another node: 0. One script, so nothing comes between the read and the write.
 */
const RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] or holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
/** Deletes the lease only if this node holds it. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export class OriginLease {
  readonly #redis: Redis;
  readonly #nodeId: string;
  readonly #logger: Logger;
  readonly #timer: NodeJS.Timeout;
  readonly #lostListeners: Array<(holder: string) => void> = [];
  /** After Redis comes back (restarted empty, perhaps), the key is written again at once. */
  readonly #onReady = () => void this.#renew();
  #renewing = false;
  #lost = false;
  #closed: Promise<void> | undefined;

  private constructor(redis: Redis, nodeId: string, logger: Logger) {
    this.#redis = redis;
    this.#nodeId = nodeId;
    this.#logger = logger;
    this.#timer = setInterval(() => void this.#renew(), RENEW_MS);
    this.#timer.unref();
    redis.on('ready', this.#onReady);
  }

  /**
   * Waits until this node holds the lease (at once when no other origin runs), then keeps it. A
   * standby waits here as long as the active origin lives (and says so once, in the log).
   */
  static async acquire(redis: Redis, nodeId: string, logger: Logger): Promise<OriginLease> {
    // A standby that saw Redis come back leaves the holder a whole lease to write its key again.
    let readyAt = 0;
    const onReady = () => void (readyAt = Date.now());
    redis.on('ready', onReady);
    try {
      let told = false;
      for (;;) {
        if (redis.status === 'ready' && Date.now() - readyAt >= LEASE_MS) {
          const taken = await redis.set(LEASE_KEY, nodeId, 'PX', LEASE_MS, 'NX').catch(() => null);
          if (taken === 'OK') break;
          const holder = await redis.get(LEASE_KEY).catch(() => null);
          // Our own id: this node restarted within its old lease (same NODE_ID); it is ours again.
          if (holder === nodeId) break;
          if (!told && holder) {
            told = true;
            logger.info({ holder }, 'standby origin: waiting for the active origin to go away');
          }
        }
        await new Promise((r) => setTimeout(r, WAIT_MS));
      }
    } finally {
      redis.off('ready', onReady);
    }
    logger.info({ node: nodeId }, 'holding the origin lease: this node is the active origin');
    const lease = new OriginLease(redis, nodeId, logger);
    await lease.#renew();
    return lease;
  }

  /** Calls `listener` with the other holder if this node loses the lease; the node must then stop. */
  onLost(listener: (holder: string) => void): void {
    this.#lostListeners.push(listener);
  }

  async #renew(): Promise<void> {
    if (this.#closed || this.#lost || this.#renewing || this.#redis.status !== 'ready') return;
    this.#renewing = true;
    try {
      const held = await this.#redis.eval(RENEW, 1, LEASE_KEY, this.#nodeId, String(LEASE_MS));
      if (held === 1 || this.#closed) return;
      this.#lost = true;
      const holder = (await this.#redis.get(LEASE_KEY).catch(() => null)) ?? 'another node';
      this.#logger.error({ holder }, 'the origin lease is held by another node: this node must stop being the origin');
      for (const listener of this.#lostListeners) listener(holder);
    } catch (err) {
      // Redis away: the lease lapses only if it stays away past LEASE_MS, and then no standby can take it either.
      this.#logger.warn({ err }, 'cannot renew the origin lease; retrying');
    } finally {
      this.#renewing = false;
    }
  }

  /** Stops renewing and gives the lease up (if still held), so a standby takes over at once; idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      clearInterval(this.#timer);
      this.#redis.off('ready', this.#onReady);
      if (this.#redis.status === 'ready') await this.#redis.eval(RELEASE, 1, LEASE_KEY, this.#nodeId).catch(() => undefined);
    })();
    return this.#closed;
  }
}
