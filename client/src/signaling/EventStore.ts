import type { ChannelState, EventInfo, FeedInfo, ReRunInfo } from '@hybrid-stage/shared';
import type { SignalingClient } from './SignalingClient';

/**
 * The event as this tab knows it: its studios, feeds, channels, agenda and re-runs, kept outside React
 * (like the page's media) so every component reads the same copy. It asks `event:get` once per
 * connection (the first subscriber's, and each reconnect, when anything may have changed) and follows
 * the server's broadcasts between: `feeds:changed`, `channel:changed` and `reruns:changed`.
 *
 * Once started it keeps listening, subscribed to or not, so a page opened later reads a current copy
 * at once instead of asking again.
 */
export class EventStore {
  /** One store per signaling connection. */
  static readonly #stores = new WeakMap<SignalingClient, EventStore>();

  /** The store of `signaling`'s connection, made on first use. */
  static of(signaling: SignalingClient): EventStore {
    let store = EventStore.#stores.get(signaling);
    if (!store) EventStore.#stores.set(signaling, (store = new EventStore(signaling)));
    return store;
  }

  readonly #signaling: SignalingClient;
  readonly #listeners = new Set<() => void>();
  #event: EventInfo | undefined;
  #started = false;
  /** Counts the `event:get` requests sent, so only the newest one's answer is kept. */
  #asked = 0;

  private constructor(signaling: SignalingClient) {
    this.#signaling = signaling;
  }

  /** The event, or undefined until the server's first answer. */
  readonly current = (): EventInfo | undefined => this.#event;

  /** Calls `listener` whenever the event changes; returns the unsubscribe. The first subscriber starts the store. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#start();
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    const { socket } = this.#signaling;
    socket.on('connect', () => this.#load());
    socket.on('feeds:changed', (feeds: FeedInfo[]) => this.#update((e) => ({ ...e, feeds })));
    // A channel's state carries a version: an older one arriving late is ignored.
    socket.on('channel:changed', (channel: ChannelState) =>
      this.#update((e) => ({ ...e, channels: e.channels.map((c) => (c.id === channel.id && c.version <= channel.version ? channel : c)) })),
    );
    socket.on('reruns:changed', (reruns: ReRunInfo[]) => this.#update((e) => ({ ...e, reruns })));
    if (socket.connected) this.#load();
  }

  #load(): void {
    const mine = ++this.#asked;
    // A failure (the connection went meanwhile) leaves the last copy: the next connection asks again.
    this.#signaling.request('event:get', {}).then(
      (event) => mine === this.#asked && this.#set(event),
      () => undefined,
    );
  }

  /** Applies a broadcast to the event; one arriving before the first answer is in that answer already. */
  #update(change: (event: EventInfo) => EventInfo): void {
    if (this.#event) this.#set(change(this.#event));
  }

  #set(event: EventInfo): void {
    this.#event = event;
    for (const listener of this.#listeners) listener();
  }
}
