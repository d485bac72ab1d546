import type { Grant } from '@hybrid-stage/shared';
import type { Feed } from '../studios/Feed';
import { MediaClient, type MediaClientOptions, type PathMove } from '../media/MediaClient';
import type { WorkerPool } from '../media/WorkerPool';
import { AppError, NotFoundError } from '../errors';

/** How many feeds one connection may publish at once. */
const MAX_FEEDS_PER_CLIENT = 4;

/** What a client is told about its media that it did not ask for. */
export interface ClientNotifications {
  /** The server closed one of its consumers (the feed ended). */
  consumerClosed: (consumerId: string) => void;
  /** Its worker died, or a transport's path moved off its host (`moved`): all its transports are gone. */
  mediaLost: (moved?: PathMove) => void;
}

/**
 * What the server holds for one connected client: its media (made on first use, on the
 * least-loaded worker) and the feeds it publishes. Closing it releases both.
 */
export class ClientSession {
  readonly #pool: WorkerPool;
  readonly #feeds = new Map<string, Feed>();
  #media: Promise<MediaClient> | undefined;
  readonly #notify: ClientNotifications;
  #closed = false;

  /** Who this client is: its role and scope, from its access token (anonymous viewers have none). */
  readonly grant: Grant;

  readonly #mediaOptions: MediaClientOptions;

  /** `mediaOptions`: the consumers its client's address may still make (AddressLoad), when a silent peer's transport closes. */
  constructor(pool: WorkerPool, grant: Grant, notify: ClientNotifications, mediaOptions: MediaClientOptions = {}) {
    this.#pool = pool;
    this.grant = grant;
    this.#notify = notify;
    this.#mediaOptions = mediaOptions;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether it holds anything worth keeping for a client that may come back: media or feeds. */
  get holdsMedia(): boolean {
    return this.#media !== undefined || this.#feeds.size > 0;
  }

  /** The client's media, created on first use and again if its worker died. */
  media(): Promise<MediaClient> {
    if (this.#closed) return Promise.reject(new AppError('INVALID_STATE', 'session closed'));
    if (!this.#media) {
      const media = Promise.resolve().then(() => {
        // Viewers (anonymous or with a viewer link) meet the workers' ceiling; crew never do.
        const client = new MediaClient(this.#pool, this.#pool.placeClient(this.grant.role === 'viewer' ? 'viewer' : 'crew'), this.#mediaOptions);
        client.on('consumerClosed', this.#notify.consumerClosed);
        client.on('lost', this.#notify.mediaLost);
        client.once('close', () => {
          if (this.#media === media) this.#media = undefined;
        });
        return client;
      });
      this.#media = media;
      media.catch(() => (this.#media = undefined));
    }
    return this.#media;
  }

  /** Takes ownership of a feed the client opened. */
  adoptFeed(feed: Feed): void {
    if (this.#feeds.size >= MAX_FEEDS_PER_CLIENT) {
      feed.close();
      throw new AppError('INVALID_STATE', `at most ${MAX_FEEDS_PER_CLIENT} feeds per connection`);
    }
    this.#feeds.set(feed.id, feed);
    feed.once('close', () => this.#feeds.delete(feed.id));
  }

  /** A feed this client publishes; others' feeds are NOT_FOUND here. */
  ownFeed(feedId: string): Feed {
    const feed = this.#feeds.get(feedId);
    if (!feed) throw new NotFoundError('feed', feedId);
    return feed;
  }

  /** Closes the client's feeds and media. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const feed of [...this.#feeds.values()]) feed.close();
    void this.#media?.then((m) => m.close(), () => undefined);
  }
}
