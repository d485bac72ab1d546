import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { FeedInfo, FeedSource, MediaKind } from '@hybrid-stage/shared';
import { AppError, InvalidStateError } from '../errors';

/** One track of a feed: a producer and the router it lives on. */
export interface FeedTrack {
  readonly producer: types.Producer;
  readonly router: types.Router;
}

/** Events of a {@link Feed}. */
export interface FeedEvents {
  /** A track was added or removed. */
  changed: [];
  close: [];
}

/** One audio+video source in the SFU: a studio camera, a remote guest, a test pattern. */
export class Feed extends EventEmitter<FeedEvents> {
  readonly id = randomUUID();
  readonly #tracks = new Map<MediaKind, FeedTrack>();
  #closed = false;

  constructor(
    readonly studioId: string,
    readonly label: string,
    readonly source: FeedSource,
  ) {
    super();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Adds the producer of one kind; a feed has at most one track per kind. */
  addTrack(producer: types.Producer, router: types.Router): void {
    if (this.#closed) throw new InvalidStateError(`feed ${this.id} is closed`);
    const kind = producer.kind;
    if (this.#tracks.has(kind)) throw new AppError('INVALID_STATE', `feed ${this.id} already has ${kind}`);
    this.#tracks.set(kind, { producer, router });
    producer.observer.once('close', () => {
      if (this.#tracks.get(kind)?.producer !== producer) return;
      this.#tracks.delete(kind);
      if (!this.#closed) this.emit('changed');
    });
    this.emit('changed');
  }

  /** The track of one kind, if the feed has it. */
  track(kind: MediaKind): FeedTrack | undefined {
    return this.#tracks.get(kind);
  }

  /** All tracks, video first. */
  get tracks(): FeedTrack[] {
    return (['video', 'audio'] as const).flatMap((k) => this.#tracks.get(k) ?? []);
  }

  /** What clients see of this feed. */
  info(): FeedInfo {
    return {
      id: this.id,
      studioId: this.studioId,
      label: this.label,
      source: this.source,
      kinds: this.tracks.map((t) => t.producer.kind),
    };
  }

  /** Closes the feed and its producers. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { producer } of this.#tracks.values()) producer.close();
    this.#tracks.clear();
    this.emit('close');
  }
}
