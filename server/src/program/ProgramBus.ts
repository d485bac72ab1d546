import { EventEmitter } from 'node:events';
import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import type { ChannelConfig, ChannelState, CutInfo, CutReason, MediaKind, ProgramAlert } from '@hybrid-stage/shared';
import { AppError, InvalidStateError } from '../errors';
import type { Logger } from '../logger';
import { isVp8KeyFrame, parseRtcpRequests, vp8KeyFrameSize, type RtpPacket } from '../media/rtp';
import type { FeedTap } from './FeedTap';
import { StreamRewriter } from './StreamRewriter';

/** How many cuts a channel remembers for the producers' log. */
const CUT_LOG_LENGTH = 20;
/** While a take waits for a keyframe, it asks again this often (a request can be ignored or lost). */
const KEYFRAME_RETRY_MS = 250;
/**
 * A viewer's keyframe request is not passed on while one passed before is still unanswered (the
 * keyframe coming will reach this viewer too: a join storm is one request), for at most this long
 * (a request may be lost, or the feed may not answer).
 */
const KEYFRAME_ANSWER_WAIT_MS = 500;

/** Events of a {@link ProgramBus}. */
export interface ProgramBusEvents {
  /** The bus's state changed; read {@link ProgramBus.state}. */
  changed: [];
  /** Something producers must know at once, in a sentence. */
  alert: [alert: Omit<ProgramAlert, 'channelId' | 'at'>];
  close: [];
}

/** The version and cut log a bus continues from the bus it replaces. */
export interface BusHistory {
  version: number;
  cuts: CutInfo[];
}

/** A take to be completed at the new feed's next keyframe. */
interface PendingCut {
  readonly tap: FeedTap;
  readonly reason: CutReason;
  readonly by: string;
  readonly version: number;
  readonly retry: NodeJS.Timeout;
}

/**
 * One channel's program, switched on the server. Viewers consume its two producers (video and
 * audio) on a DirectTransport; the bus forwards into them the packets of the feed on air, rewritten
 * (SSRC, sequence numbers, timestamps, VP8 picture numbering) so viewers' decoders see one
 * continuous stream. A take asks the new feed for a keyframe and cuts when it arrives; audio follows
 * video at the same moment. No transcoding: packets are copied, their payloads untouched.
 */
export class ProgramBus extends EventEmitter<ProgramBusEvents> {
  readonly config: ChannelConfig;
  readonly router: types.Router;
  readonly #transport: types.DirectTransport;
  readonly #producers: Record<MediaKind, types.Producer>;
  /** Per kind, the output's numbering, which each new source continues. */
  readonly #rewriters: Record<MediaKind, StreamRewriter>;
  readonly #logger: Logger;
  /** The feed on air (both kinds come from it). */
  #program: FeedTap | undefined;
  #pending: PendingCut | undefined;
  #preview: FeedTap | undefined;
  #backup: FeedTap | undefined;
  #version = 0;
  #cuts: CutInfo[] = [];
  /** When viewers' keyframe request was last passed on to the feed on air and not answered yet (performance.now()). */
  #keyFrameAskedAt: number | undefined;
  /** The picture size of the last keyframe that went out (the HLS packager sizes its ladder by it). */
  #videoSize: { width: number; height: number } | undefined;
  #closed = false;

  private constructor(
    config: ChannelConfig,
    router: types.Router,
    transport: types.DirectTransport,
    producers: Record<MediaKind, types.Producer>,
    logger: Logger,
    history: BusHistory | undefined,
  ) {
    super();
    this.#version = history?.version ?? 0;
    this.#cuts = [...(history?.cuts ?? [])];
    this.config = config;
    this.router = router;
    this.#transport = transport;
    this.#producers = producers;
    this.#logger = logger;
    const rewriter = (kind: MediaKind): StreamRewriter => {
      const rtp = producers[kind].rtpParameters;
      return new StreamRewriter({
        clockRate: rtp.codecs[0]!.clockRate,
        payloadType: rtp.codecs[0]!.payloadType,
        ssrc: rtp.encodings![0]!.ssrc!,
        vp8: kind === 'video', // create() gives the video producer VP8
        sequenceNumber: randomInt(0, 0x8000),
        timestamp: randomInt(0, 0x7fffffff),
        pictureId: randomInt(0, 0x8000),
        tl0PicIdx: randomInt(0, 256),
      });
    };
    this.#rewriters = { video: rewriter('video'), audio: rewriter('audio') };
    transport.on('rtcp', (packet) => this.#onViewerRtcp(packet));
    router.observer.once('close', () => this.close());
  }

  /**
   * Creates the bus's output producers on `router`. A bus that replaces one lost with its worker
   * continues that one's `history`, so clients keep accepting its states.
   */
  static async create(config: ChannelConfig, router: types.Router, logger: Logger, history?: BusHistory): Promise<ProgramBus> {
    const transport = await router.createDirectTransport({ maxMessageSize: 262144 });
    try {
      const codec = (mimeType: string) => {
        const cap = router.rtpCapabilities.codecs?.find((c) => c.mimeType === mimeType);
        if (!cap?.preferredPayloadType) throw new Error(`router has no ${mimeType}`);
        return { mimeType, payloadType: cap.preferredPayloadType, clockRate: cap.clockRate, channels: cap.channels, rtcpFeedback: cap.rtcpFeedback };
      };
      const ssrc = () => randomInt(0x10000000, 0x7fffffff);
      const video = await transport.produce({
        kind: 'video',
        rtpParameters: { codecs: [codec('video/VP8')], encodings: [{ ssrc: ssrc() }] },
        appData: { channelId: config.id },
      });
      const audio = await transport.produce({
        kind: 'audio',
        rtpParameters: { codecs: [codec('audio/opus')], encodings: [{ ssrc: ssrc() }] },
        appData: { channelId: config.id },
      });
      return new ProgramBus(config, router, transport, { video, audio }, logger, history);
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The program's producers, for viewers, recorders and monitors. */
  get producers(): Readonly<Record<MediaKind, types.Producer>> {
    return this.#producers;
  }

  /** The program's picture size, as its last keyframe said (undefined before the first). */
  get videoSize(): { width: number; height: number } | undefined {
    return this.#videoSize;
  }

  /** The feed on air, if any. */
  get programFeedId(): string | undefined {
    return this.#program?.feed.id;
  }

  /** The feed set as backup, if any. */
  get backupFeedId(): string | undefined {
    return this.#backup?.feed.id;
  }

  /** The bus as every client sees it. */
  state(): ChannelState {
    return {
      ...this.config,
      program: this.programFeedId ?? null,
      programSource: this.#program?.feed.source ?? null,
      pending: this.#pending?.tap.feed.id ?? null,
      preview: this.#preview?.feed.id ?? null,
      backup: this.#backup?.feed.id ?? null,
      version: this.#version,
      cuts: this.#cuts,
    };
  }

  /**
   * Puts `tap`'s feed on air at its next keyframe. Until then the current feed stays on air; a later
   * take replaces a pending one. Takes are serialized by the event loop: each gets the next version.
   */
  take(tap: FeedTap, by: string, reason: CutReason = 'take'): void {
    this.#assertOpen();
    if (tap.closed) throw new InvalidStateError(`feed ${tap.feed.id} has ended`);
    if (tap.videoCodec && tap.videoCodec !== 'video/VP8') {
      throw new AppError('INVALID_STATE', `feed ${tap.feed.label} sends ${tap.videoCodec}; the program carries VP8`);
    }
    this.#cancelPending();
    this.#version++;
    if (!tap.feed.track('video')) {
      // Audio only: nothing to wait for.
      this.#cut(tap, reason, by);
      return;
    }
    tap.requestKeyFrame();
    const retry = setInterval(() => tap.requestKeyFrame(), KEYFRAME_RETRY_MS);
    this.#pending = { tap, reason, by, version: this.#version, retry };
    tap.on('rtp', this.#onPendingRtp);
    tap.once('close', this.#onPendingClosed);
    this.emit('changed');
  }

  /** Sets the feed in preview (or none). */
  preview(tap: FeedTap | undefined): void {
    this.#assertOpen();
    this.#preview?.off('close', this.#onPreviewClosed);
    this.#preview = tap;
    tap?.once('close', this.#onPreviewClosed);
    this.#version++;
    this.emit('changed');
  }

  /** Sets the feed the bus cuts to by itself when the program stalls or ends (or none). */
  setBackup(tap: FeedTap | undefined): void {
    this.#assertOpen();
    this.#backup?.off('close', this.#onBackupClosed);
    this.#backup = tap;
    tap?.once('close', this.#onBackupClosed);
    this.#version++;
    this.emit('changed');
  }

  /** Closes the output producers and stops forwarding. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelPending();
    this.#setSources(undefined);
    this.#preview?.off('close', this.#onPreviewClosed);
    this.#backup?.off('close', this.#onBackupClosed);
    this.#transport.close();
    this.emit('close');
  }

  readonly #onPendingRtp = (kind: MediaKind, raw: Buffer, packet: RtpPacket): void => {
    const pending = this.#pending;
    if (!pending || kind !== 'video' || !isVp8KeyFrame(packet.payload)) return;
    this.#cancelPending();
    this.#cut(pending.tap, pending.reason, pending.by);
    this.#forward('video', raw, packet);
  };

  readonly #onPendingClosed = (): void => {
    if (!this.#pending) return;
    this.#cancelPending();
    this.#version++;
    this.emit('changed');
  };

  readonly #onPreviewClosed = (): void => this.preview(undefined);

  readonly #onBackupClosed = (): void => this.setBackup(undefined);

  readonly #onProgramRtp = (kind: MediaKind, raw: Buffer, packet: RtpPacket): void => {
    if (this.#program) this.#forward(kind, raw, packet);
  };

  readonly #onProgramClosed = (): void => {
    const label = this.#program?.feed.label ?? '';
    this.#setSources(undefined);
    if (this.#failOver(label, 'endedToBackup')) return;
    this.#version++;
    this.#log({ feedId: null, label: null, reason: 'feed-ended', by: 'automatic' });
    this.#logger.warn({ channelId: this.config.id, label }, 'program feed ended');
    this.emit('alert', { kind: 'offAir', feed: label });
    this.emit('changed');
  };

  readonly #onProgramStalled = (): void => {
    const label = this.#program?.feed.label ?? '';
    if (this.#pending) return; // a producer is already cutting away
    if (!this.#failOver(label, 'stalledToBackup')) this.emit('alert', { kind: 'stalledNoBackup', feed: label });
  };

  /** Cuts to the backup feed, if there is a healthy one; says so to producers. */
  #failOver(label: string, kind: 'endedToBackup' | 'stalledToBackup'): boolean {
    const backup = this.#backup;
    if (!backup || backup.closed || backup.stalled || backup.feed.id === this.programFeedId) return false;
    this.take(backup, 'automatic', 'failover');
    this.#logger.warn({ channelId: this.config.id, backup: backup.feed.label, feed: label, kind }, 'failing over to backup');
    this.emit('alert', { kind, feed: label, backup: backup.feed.label });
    return true;
  }

  /** Switches both kinds to `tap` now (called at the new feed's keyframe). */
  #cut(tap: FeedTap, reason: CutReason, by: string): void {
    this.#setSources(tap);
    this.#log({ feedId: tap.feed.id, label: tap.feed.label, reason, by });
    this.#logger.info({ channelId: this.config.id, feedId: tap.feed.id, label: tap.feed.label, reason, by }, 'cut');
    this.emit('changed');
  }

  #setSources(tap: FeedTap | undefined): void {
    const previous = this.#program;
    if (previous && previous !== tap) {
      previous.off('rtp', this.#onProgramRtp);
      previous.off('close', this.#onProgramClosed);
      previous.off('stalled', this.#onProgramStalled);
    }
    if (tap && tap !== previous) {
      tap.on('rtp', this.#onProgramRtp);
      tap.once('close', this.#onProgramClosed);
      tap.on('stalled', this.#onProgramStalled);
    }
    this.#program = tap;
    // Even the same feed taken again starts afresh: its next packets continue the output.
    this.#rewriters.video.newSource();
    this.#rewriters.audio.newSource();
  }

  #log(cut: Omit<CutInfo, 'at' | 'version'>): void {
    this.#cuts = [{ ...cut, at: new Date().toISOString(), version: this.#version }, ...this.#cuts].slice(0, CUT_LOG_LENGTH);
  }

  #cancelPending(): void {
    const pending = this.#pending;
    if (!pending) return;
    clearInterval(pending.retry);
    pending.tap.off('rtp', this.#onPendingRtp);
    pending.tap.off('close', this.#onPendingClosed);
    this.#pending = undefined;
  }

  /** Copies one packet of the source on air into the output with the output's numbering. */
  #forward(kind: MediaKind, raw: Buffer, packet: RtpPacket): void {
    if (!this.#program || this.#closed) return;
    this.#producers[kind].send(this.#rewriters[kind].rewrite(raw, packet, performance.now()));
    // The keyframe viewers asked for has gone out: the next viewer to ask is passed on at once.
    if (kind === 'video' && isVp8KeyFrame(packet.payload)) {
      this.#keyFrameAskedAt = undefined;
      this.#videoSize = vp8KeyFrameSize(packet.payload) ?? this.#videoSize;
    }
  }

  /** Viewers' keyframe requests for the program go to the feed on air, coalesced. */
  #onViewerRtcp(packet: Buffer): void {
    const { keyFrameSsrcs } = parseRtcpRequests(packet);
    if (!keyFrameSsrcs.includes(this.#rewriters.video.ssrc)) return;
    const now = performance.now();
    if (this.#keyFrameAskedAt !== undefined && now - this.#keyFrameAskedAt < KEYFRAME_ANSWER_WAIT_MS) return;
    this.#keyFrameAskedAt = now;
    this.#program?.requestKeyFrame();
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError(`channel ${this.config.id} is closed`);
  }
}
