import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { ChannelConfig, ChannelState, FeedHealth, ProgramAlert } from '@hybrid-stage/shared';
import { NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { WorkerPool } from '../media/WorkerPool';
import type { Feed } from '../studios/Feed';
import type { FeedRegistry } from '../studios/FeedRegistry';
import { FeedTap } from './FeedTap';
import { ProgramBus } from './ProgramBus';

/** How often feed health is measured and sent to producers. */
const HEALTH_INTERVAL_MS = 1000;

/** Events of a {@link ChannelRegistry}. */
export interface ChannelRegistryEvents {
  changed: [channel: ChannelState];
  alert: [alert: ProgramAlert];
  health: [health: FeedHealth[]];
}

/** Options of {@link ChannelRegistry.start}. */
export interface ChannelRegistryOptions {
  channels: readonly ChannelConfig[];
  feeds: FeedRegistry;
  pool: WorkerPool;
  /** Where the buses run; feeds on other routers are piped here. */
  router: types.Router;
  logger: Logger;
}

/**
 * The channels of the event: one {@link ProgramBus} each, all on one router, and a {@link FeedTap}
 * for every live feed that the buses switch between and that measures the feed's health.
 */
export class ChannelRegistry extends EventEmitter<ChannelRegistryEvents> {
  readonly #options: ChannelRegistryOptions;
  readonly #buses = new Map<string, ProgramBus>();
  readonly #taps = new Map<string, FeedTap>();
  readonly #transport: types.DirectTransport;
  readonly #healthTimer: NodeJS.Timeout;
  #closed = false;

  private constructor(options: ChannelRegistryOptions, transport: types.DirectTransport) {
    super();
    this.#options = options;
    this.#transport = transport;
    this.#healthTimer = setInterval(() => void this.#sendHealth(), HEALTH_INTERVAL_MS);
  }

  /** Creates the buses and taps every feed there is and every feed that opens later. */
  static async start(options: ChannelRegistryOptions): Promise<ChannelRegistry> {
    const transport = await options.router.createDirectTransport({ maxMessageSize: 262144 });
    const registry = new ChannelRegistry(options, transport);
    try {
      for (const { id, name, kind } of options.channels) {
        const config = { id, name, kind };
        const bus = await ProgramBus.create(config, options.router, options.logger.child({ channel: config.id }));
        registry.#buses.set(config.id, bus);
        bus.on('changed', () => registry.emit('changed', bus.state()));
        bus.on('alert', (message) => registry.emit('alert', { channelId: config.id, at: new Date().toISOString(), message }));
      }
      for (const feed of options.feeds.feeds) registry.#tap(feed);
      options.feeds.on('opened', registry.#onFeedOpened);
    } catch (error) {
      registry.close();
      throw error;
    }
    return registry;
  }

  /** Every channel's state, in configured order. */
  list(): ChannelState[] {
    return [...this.#buses.values()].map((b) => b.state());
  }

  /** The bus of a channel; NOT_FOUND when there is none. */
  bus(channelId: string): ProgramBus {
    const bus = this.#buses.get(channelId);
    if (!bus) throw new NotFoundError('channel', channelId);
    return bus;
  }

  /** The tap of a live feed; NOT_FOUND when there is none. */
  tap(feedId: string): FeedTap {
    const tap = this.#taps.get(feedId);
    if (!tap) throw new NotFoundError('feed', feedId);
    return tap;
  }

  /** Puts a feed on a channel's program at its next keyframe. */
  async take(channelId: string, feedId: string, by: string): Promise<ChannelState> {
    const bus = this.bus(channelId);
    const tap = this.tap(feedId);
    await tap.ready();
    bus.take(tap, by);
    return bus.state();
  }

  /** Sets a channel's preview feed (or none). */
  preview(channelId: string, feedId: string | null): ChannelState {
    const bus = this.bus(channelId);
    bus.preview(feedId === null ? undefined : this.tap(feedId));
    return bus.state();
  }

  /** Sets a channel's backup feed (or none). */
  setBackup(channelId: string, feedId: string | null): ChannelState {
    const bus = this.bus(channelId);
    bus.setBackup(feedId === null ? undefined : this.tap(feedId));
    return bus.state();
  }

  /** The latest health of every tapped feed. */
  health(): FeedHealth[] {
    return [...this.#taps.values()].map((t) => t.health);
  }

  /** Closes the buses and taps. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#healthTimer);
    this.#options.feeds.off('opened', this.#onFeedOpened);
    for (const bus of this.#buses.values()) bus.close();
    for (const tap of this.#taps.values()) tap.close();
    this.#transport.close();
  }

  readonly #onFeedOpened = (feed: Feed): void => {
    this.#tap(feed);
  };

  #tap(feed: Feed): void {
    const { router, pool, logger } = this.#options;
    const tap = new FeedTap(feed, router, this.#transport, pool, logger.child({ component: 'tap' }));
    this.#taps.set(feed.id, tap);
    tap.once('close', () => this.#taps.delete(feed.id));
  }

  async #sendHealth(): Promise<void> {
    const health = await Promise.all([...this.#taps.values()].map((t) => t.refreshHealth()));
    if (!this.#closed) this.emit('health', health);
  }
}
