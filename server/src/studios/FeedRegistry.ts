import { EventEmitter } from 'node:events';
import type { FeedInfo, FeedSource, StudioInfo } from '@hybrid-stage/shared';
import { NotFoundError } from '../errors';
import { Feed } from './Feed';

/** Events of a {@link FeedRegistry}. */
export interface FeedRegistryEvents {
  /** A feed opened, closed or changed its tracks. */
  changed: [];
  /** A new feed opened (before its tracks are added). */
  opened: [feed: Feed];
}

/** The studio id of feeds the server plays out itself (re-runs of recordings). */
export const PLAYOUT_STUDIO_ID = 'playout';

/** The live feeds of every studio. */
export class FeedRegistry extends EventEmitter<FeedRegistryEvents> {
  readonly #studios: ReadonlyMap<string, StudioInfo>;
  readonly #feeds = new Map<string, Feed>();

  constructor(studios: readonly StudioInfo[]) {
    super();
    this.#studios = new Map(studios.map((s) => [s.id, s]));
  }

  /** The configured studios. */
  get studios(): StudioInfo[] {
    return [...this.#studios.values()];
  }

  /** Opens a new feed for a studio; it is removed from the registry when it closes. */
  open(studioId: string, label: string, source: FeedSource): Feed {
    if (!this.#studios.has(studioId)) throw new NotFoundError('studio', studioId);
    return this.#add(new Feed(studioId, label, source));
  }

  /** Opens a feed the server plays out itself (a recording being replayed), in no studio. */
  openPlayout(label: string): Feed {
    return this.#add(new Feed(PLAYOUT_STUDIO_ID, label, 'recording'));
  }

  #add(feed: Feed): Feed {
    this.#feeds.set(feed.id, feed);
    feed.on('changed', () => this.emit('changed'));
    feed.once('close', () => {
      this.#feeds.delete(feed.id);
      this.emit('changed');
    });
    this.emit('opened', feed);
    this.emit('changed');
    return feed;
  }

  /** The feed with this id; throws NOT_FOUND when there is none. */
  get(feedId: string): Feed {
    const feed = this.#feeds.get(feedId);
    if (!feed) throw new NotFoundError('feed', feedId);
    return feed;
  }

  /** Every live feed. */
  get feeds(): Feed[] {
    return [...this.#feeds.values()];
  }

  /** Every live feed, as clients see them. */
  list(): FeedInfo[] {
    return [...this.#feeds.values()].map((f) => f.info());
  }

  /** Closes every feed. */
  close(): void {
    for (const feed of [...this.#feeds.values()]) feed.close();
  }
}
