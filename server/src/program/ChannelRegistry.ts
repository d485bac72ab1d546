import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { ChannelConfig, ChannelState, FeedHealth, ProgramAlert } from '@hybrid-stage/shared';
import { NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { WorkerPool } from '../media/WorkerPool';
import type { Feed } from '../studios/Feed';
import type { FeedRegistry } from '../studios/FeedRegistry';
import { FeedTap } from './FeedTap';
import { ProgramBus, type BusHistory } from './ProgramBus';

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
  /** The buses run on its ingest worker (feeds on other routers are piped there), and move to its replacement. */
  pool: WorkerPool;
  /** Each channel's version and cut log to carry on with (stored by the last server that ran the event). */
  history?: ReadonlyMap<string, BusHistory>;
  logger: Logger;
}

/** A feed as a producer knows it, which still names it after it is opened again (a restarted test pattern). */
interface FeedIdentity {
  studioId: string;
  label: string;
  source: string;
}

/** What a channel had, remembered so a bus rebuilt on a new worker can put it back. */
interface Remembered {
  history: BusHistory;
  program?: FeedIdentity;
  backup?: FeedIdentity;
}

const identity = (tap: FeedTap | undefined): FeedIdentity | undefined =>
  tap && { studioId: tap.feed.studioId, label: tap.feed.label, source: tap.feed.source };

/**
 * The channels of the event: one {@link ProgramBus} each, all on one router, and a {@link FeedTap}
 * for every live feed that the buses switch between and that measures the feed's health.
 */
export class ChannelRegistry extends EventEmitter<ChannelRegistryEvents> {
  readonly #options: ChannelRegistryOptions;
  readonly #buses = new Map<string, ProgramBus>();
  readonly #taps = new Map<string, FeedTap>();
  readonly #remembered = new Map<string, Remembered>();
  readonly #healthTimer: NodeJS.Timeout;
  #router: types.Router;
  #transport: types.DirectTransport;
  readonly #unfollow: (() => void)[];
  #closed = false;

  private constructor(options: ChannelRegistryOptions, router: types.Router, transport: types.DirectTransport) {
    super();
    this.#options = options;
    this.#router = router;
    this.#transport = transport;
    for (const [channelId, history] of options.history ?? []) this.#remembered.set(channelId, { history });
    this.#healthTimer = setInterval(() => void this.#sendHealth(), HEALTH_INTERVAL_MS);
    // When the ingest worker is replaced the buses are rebuilt on the new one, and once the sources
    // are back (a test pattern restarts as a new feed), each channel gets back what it had on air.
    this.#unfollow = [
      options.pool.followIngest('buses', (worker) => this.#moveTo(worker.router)),
      options.pool.followIngest('onAir', () => this.#restoreOnAir()),
    ];
  }

  /** Creates the buses and taps every feed there is and every feed that opens later. */
  static async start(options: ChannelRegistryOptions): Promise<ChannelRegistry> {
    const { router } = options.pool.ingest;
    const transport = await router.createDirectTransport({ maxMessageSize: 262144 });
    const registry = new ChannelRegistry(options, router, transport);
    try {
      await registry.#createBuses();
      options.feeds.on('opened', registry.#onFeedOpened);
    } catch (error) {
      registry.close();
      throw error;
    }
    return registry;
  }

  /** The router the buses run on. */
  get router(): types.Router {
    return this.#router;
  }

  /**
   * Rebuilds every bus and tap on `router` after the worker they ran on died (everything on it
   * closed with it). Each bus continues its version and cut log; {@link #restoreOnAir} then puts
   * back what was on air.
   */
  async #moveTo(router: types.Router): Promise<void> {
    if (this.#closed) return;
    // The closed buses stay listed until their successors replace them: a viewer asking for a
    // channel meanwhile gets INVALID_STATE (try again), not NOT_FOUND (no such channel).
    for (const bus of this.#buses.values()) bus.close();
    for (const tap of this.#taps.values()) tap.close();
    this.#transport.close();
    // Switch router and transport together: a feed opened meanwhile is tapped on the new ones.
    const transport = await router.createDirectTransport({ maxMessageSize: 262144 });
    this.#router = router;
    this.#transport = transport;
    await this.#createBuses();
    for (const bus of this.#buses.values()) this.emit('changed', bus.state());
  }

  /**
   * Puts each channel's program and backup back as they were before {@link #moveTo}, on the live
   * feed of the same studio, label and source (a test pattern restarted on the new worker is a
   * new feed with the old name). Channels whose feed is gone stay dark, and producers are told.
   */
  async #restoreOnAir(): Promise<void> {
    const find = (want: FeedIdentity | undefined) =>
      want && [...this.#taps.values()].find((t) => !t.closed && t.feed.studioId === want.studioId && t.feed.label === want.label && t.feed.source === want.source);
    for (const [channelId, bus] of this.#buses) {
      const remembered = this.#remembered.get(channelId);
      const program = find(remembered?.program);
      const backup = find(remembered?.backup);
      if (backup) bus.setBackup(backup);
      if (program) {
        await program.ready();
        if (!bus.closed && !program.closed) bus.take(program, 'automatic', 'recovery');
      } else if (remembered?.program) {
        this.emit('alert', { channelId, at: new Date().toISOString(), kind: 'notRestored', feed: remembered.program.label });
      }
    }
  }

  /** Every channel's state, in configured order. */
  list(): ChannelState[] {
    return [...this.#buses.values()].map((b) => b.state());
  }

  /** A channel's name, or its id when there is no such channel. */
  nameOf(channelId: string): string {
    return this.#buses.get(channelId)?.config.name ?? channelId;
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
    for (const unfollow of this.#unfollow) unfollow();
    clearInterval(this.#healthTimer);
    this.#options.feeds.off('opened', this.#onFeedOpened);
    for (const bus of this.#buses.values()) bus.close();
    for (const tap of this.#taps.values()) tap.close();
    this.#transport.close();
  }

  readonly #onFeedOpened = (feed: Feed): void => {
    this.#tap(feed);
  };

  async #createBuses(): Promise<void> {
    const { channels, feeds, logger } = this.#options;
    for (const { id, name, kind } of channels) {
      const config = { id, name, kind };
      const bus = await ProgramBus.create(config, this.#router, logger.child({ channel: id }), this.#remembered.get(id)?.history);
      this.#buses.set(id, bus);
      bus.on('changed', () => {
        const state = bus.state();
        // A bus closing with its worker drops its feeds: remember only what a live bus had.
        if (!bus.closed && !this.#router.closed) {
          const program = state.program === null ? undefined : this.#taps.get(state.program);
          const backup = state.backup === null ? undefined : this.#taps.get(state.backup);
          this.#remembered.set(id, { history: { version: state.version, cuts: state.cuts }, program: identity(program), backup: identity(backup) });
        }
        this.emit('changed', state);
      });
      bus.on('alert', (alert) => this.emit('alert', { channelId: id, at: new Date().toISOString(), ...alert }));
    }
    for (const feed of feeds.feeds) if (!this.#taps.has(feed.id)) this.#tap(feed);
  }

  #tap(feed: Feed): void {
    const { pool, logger } = this.#options;
    const tap = new FeedTap(feed, this.#router, this.#transport, pool, logger.child({ component: 'tap' }));
    this.#taps.set(feed.id, tap);
    tap.once('close', () => this.#taps.delete(feed.id));
  }

  async #sendHealth(): Promise<void> {
    const health = await Promise.all([...this.#taps.values()].map((t) => t.refreshHealth()));
    if (!this.#closed) this.emit('health', health);
  }
}
