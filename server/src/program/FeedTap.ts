import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { FeedHealth, MediaKind } from '@hybrid-stage/shared';
import type { Logger } from '../logger';
import type { WorkerPool } from '../media/WorkerPool';
import { isVp8KeyFrame, parseRtp, type RtpPacket } from '../media/rtp';
import type { Feed } from '../studios/Feed';

/** A feed with no packets for this long is stalled. */
export const STALL_AFTER_MS = 1000;
const STALL_CHECK_MS = 100;

/** Events of a {@link FeedTap}. */
export interface FeedTapEvents {
  /** A packet of the feed; `raw` is shared between listeners and must not be changed. */
  rtp: [kind: MediaKind, raw: Buffer, packet: RtpPacket];
  /** No packets for {@link STALL_AFTER_MS}. */
  stalled: [];
  /** Packets flow again after a stall. */
  recovered: [];
  close: [];
}

interface TappedTrack {
  consumer: types.Consumer;
  codec: string;
}

/**
 * The program buses' view of one feed: its packets delivered into Node through a DirectTransport
 * on the bus router, and its health (bitrate, loss, frames, keyframes, stalls) measured from them.
 */
export class FeedTap extends EventEmitter<FeedTapEvents> {
  readonly feed: Feed;
  readonly #router: types.Router;
  readonly #transport: types.DirectTransport;
  readonly #pool: WorkerPool;
  readonly #logger: Logger;
  readonly #tracks = new Map<MediaKind, TappedTrack>();
  readonly #timer: NodeJS.Timeout;
  #syncing: Promise<void> = Promise.resolve();
  #bytes = 0;
  #frames = 0;
  #windowStart = performance.now();
  #lastPacketAt = performance.now();
  #lastKeyFrameAt: number | undefined;
  #stalled = false;
  #health: FeedHealth;
  #closed = false;

  constructor(feed: Feed, router: types.Router, transport: types.DirectTransport, pool: WorkerPool, logger: Logger) {
    super();
    this.setMaxListeners(50);
    this.feed = feed;
    this.#router = router;
    this.#transport = transport;
    this.#pool = pool;
    this.#logger = logger;
    this.#health = { feedId: feed.id, bitrate: 0, lossPercent: 0, framesPerSecond: 0, msSinceKeyFrame: null, stalled: false };
    this.#timer = setInterval(() => this.#checkStall(), STALL_CHECK_MS);
    feed.on('changed', this.#onFeedChanged);
    feed.once('close', () => this.close());
    this.#onFeedChanged();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether no packets arrived for a second. */
  get stalled(): boolean {
    return this.#stalled;
  }

  /** The codec of the feed's video (e.g. "video/VP8"), if it has video. */
  get videoCodec(): string | undefined {
    return this.#tracks.get('video')?.codec;
  }

  /** Resolves once consumers exist for every track the feed has now. */
  ready(): Promise<void> {
    return this.#syncing;
  }

  /** Asks the feed's source for a video keyframe (no-op without video). */
  requestKeyFrame(): void {
    const video = this.#tracks.get('video');
    if (video && !video.consumer.closed) video.consumer.requestKeyFrame().catch(() => undefined);
  }

  /** The latest health figures; loss is refreshed by {@link refreshHealth}. */
  get health(): FeedHealth {
    return this.#health;
  }

  /** Closes the window of the last second into a health snapshot, with loss from the producers' stats. */
  async refreshHealth(): Promise<FeedHealth> {
    const now = performance.now();
    const seconds = Math.max(0.001, (now - this.#windowStart) / 1000);
    let lost = 0;
    let received = 0;
    for (const { producer } of this.feed.tracks) {
      const stats = await producer.getStats().catch(() => []);
      for (const s of stats) {
        received += s.packetCount;
        lost += Math.max(0, s.packetsLost);
      }
    }
    this.#health = {
      feedId: this.feed.id,
      bitrate: Math.round((this.#bytes * 8) / seconds),
      lossPercent: received + lost > 0 ? Math.round((1000 * lost) / (received + lost)) / 10 : 0,
      framesPerSecond: Math.round(this.#frames / seconds),
      msSinceKeyFrame: this.#lastKeyFrameAt === undefined ? null : Math.round(now - this.#lastKeyFrameAt),
      stalled: this.#stalled,
    };
    this.#bytes = 0;
    this.#frames = 0;
    this.#windowStart = now;
    return this.#health;
  }

  /** Stops tapping. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.feed.off('changed', this.#onFeedChanged);
    for (const { consumer } of this.#tracks.values()) consumer.close();
    this.#tracks.clear();
    this.emit('close');
  }

  readonly #onFeedChanged = (): void => {
    this.#syncing = this.#syncing.then(() => this.#sync()).catch((err) => {
      if (!this.#closed) this.#logger.warn({ err, feedId: this.feed.id }, 'cannot tap feed');
    });
  };

  /** Makes one consumer per track of the feed, dropping those whose producer is gone. */
  async #sync(): Promise<void> {
    for (const [kind, tapped] of this.#tracks) {
      if (tapped.consumer.closed || this.feed.track(kind)?.producer.id !== tapped.consumer.appData.sourceProducerId) {
        tapped.consumer.close();
        this.#tracks.delete(kind);
      }
    }
    for (const track of this.feed.tracks) {
      const kind = track.producer.kind;
      // A tap whose router died waits to be replaced (ChannelRegistry.moveTo), not to pipe into it.
      if (this.#closed || this.#tracks.has(kind) || this.#router.closed) continue;
      const router = this.#router;
      const producer = await this.#pool.pipe(track.producer, track.router, router);
      if (this.#closed || this.#transport.closed) return;
      const consumer = await this.#transport.consume({
        producerId: producer.id,
        // No header extensions: the program bus forwards bare RTP and the router adds its own.
        rtpCapabilities: { codecs: router.rtpCapabilities.codecs ?? [], headerExtensions: [] },
        appData: { sourceProducerId: track.producer.id },
      });
      if (this.#closed) {
        consumer.close();
        return;
      }
      const codec = consumer.rtpParameters.codecs[0]!.mimeType;
      consumer.on('rtp', (raw) => this.#onRtp(kind, raw));
      consumer.on('producerclose', () => consumer.close());
      this.#tracks.set(kind, { consumer, codec });
      this.#lastPacketAt = performance.now(); // a new track gets a second before it counts as stalled
    }
  }

  #onRtp(kind: MediaKind, raw: Buffer): void {
    const packet = parseRtp(raw);
    if (!packet) return;
    const now = performance.now();
    this.#lastPacketAt = now;
    this.#bytes += raw.length;
    if (kind === 'video') {
      if (packet.marker) this.#frames++;
      if (this.videoCodec === 'video/VP8' && isVp8KeyFrame(packet.payload)) this.#lastKeyFrameAt = now;
    }
    if (this.#stalled) {
      this.#stalled = false;
      this.#health = { ...this.#health, stalled: false };
      this.emit('recovered');
    }
    this.emit('rtp', kind, raw, packet);
  }

  #checkStall(): void {
    if (this.#stalled || this.#tracks.size === 0) return;
    if (performance.now() - this.#lastPacketAt < STALL_AFTER_MS) return;
    this.#stalled = true;
    this.#health = { ...this.#health, stalled: true };
    this.emit('stalled');
  }
}
