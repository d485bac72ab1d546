import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { CaptionPipeline } from '../captions/CaptionPipeline';
import type { StoredCue } from '../captions/CaptionStore';
import { FfmpegProcess } from '../ingest/FfmpegProcess';
import { ffmpegRtpOutputs, RtpEndpoint } from '../ingest/RtpEndpoint';
import type { Logger } from '../logger';
import { keyFrameAtOrBefore } from '../media/mediaProbe';
import type { ChannelRegistry } from '../program/ChannelRegistry';
import type { StoredRecording } from '../recording/RecordingStore';
import type { Feed } from '../studios/Feed';
import type { FeedRegistry } from '../studios/FeedRegistry';

/** At the end, the feed that was on air before gets this long to be cut back to before the re-run's feed closes. */
const CUT_BACK_TIMEOUT_MS = 3000;

/** Events of a {@link ReRunPlayer}. */
export interface ReRunPlayerEvents {
  /** The recording's first packet went out: the re-run's clock starts at `playedFromMs` (Unix ms of the recording's moment 0). */
  started: [playedFromMs: number];
  /** The recording played to its end (`ok`), or ffmpeg failed. */
  ended: [ok: boolean];
}

/** Options of {@link ReRunPlayer.start}. */
export interface ReRunPlayerOptions {
  /** The channel to put the re-run on. */
  channelId: string;
  /** The feed's label, e.g. "Keynote · Americas" (pages mark it as a re-run in their own language). */
  label: string;
  recording: StoredRecording;
  /** The recording's file. */
  file: string;
  /** How far into the recording to start (when the server started again during a re-run). */
  offsetMs: number;
  feeds: FeedRegistry;
  channels: ChannelRegistry;
  captions: CaptionPipeline;
  /** Where the re-run's feed lives (the ingest router). */
  router: types.Router;
  logger: Logger;
}

/**
 * One re-run on air: Debian's ffmpeg reads the recording in real time (-re) and sends its VP8 and
 * Opus packets, copied, into an {@link RtpEndpoint} as a feed, which goes on the channel's program
 * like any live feed. The session's captions go out again at their recorded offsets in every
 * language, as they are now (with corrections made since). At the end the channel cuts back to
 * what was on air before, if it is still there.
 */
export class ReRunPlayer extends EventEmitter<ReRunPlayerEvents> {
  readonly feed: Feed;
  readonly #options: ReRunPlayerOptions;
  readonly #endpoint: RtpEndpoint;
  /** Per recorded cue id, its timer until it goes out again. */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** The newest revision of each recorded cue, so a correction made during the re-run goes out too. */
  readonly #cues = new Map<string, StoredCue>();
  #ffmpeg: FfmpegProcess | undefined;
  #previousFeedId: string | undefined;
  #playedFromMs: number | undefined;
  /** Where in the recording playback starts: a video keyframe, so the picture starts whole and in sync. */
  #fromMs = 0;
  #stopRequested = false;
  #closed = false;

  private constructor(options: ReRunPlayerOptions, endpoint: RtpEndpoint, feed: Feed) {
    super();
    this.#options = options;
    this.#endpoint = endpoint;
    this.feed = feed;
  }

  /** Opens the feed, readies the channel to take it at its first keyframe, then starts ffmpeg. */
  static async start(options: ReRunPlayerOptions): Promise<ReRunPlayer> {
    const { feeds, channels, router, label } = options;
    const bus = channels.bus(options.channelId);
    const fromMs = await keyFrameAtOrBefore(options.file, options.offsetMs);
    const feed = feeds.openPlayout(label);
    const endpoint = await RtpEndpoint.open({ feed, router, listenIp: '127.0.0.1' });
    const player = new ReRunPlayer(options, endpoint, feed);
    player.#fromMs = fromMs;
    try {
      const tap = channels.tap(feed.id);
      tap.once('rtp', () => player.#onFirstPacket());
      await tap.ready();
      // Right after a start the channel's own feed may still be waiting for its first keyframe:
      // that one is what the channel goes back to.
      player.#previousFeedId = bus.programFeedId ?? bus.state().pending ?? undefined;
      // The take waits for the feed's first keyframe before ffmpeg sends it: the picture starts with
      // the recording's first frame, on the captions' clock (a recording only has keyframes it was
      // made with: one missed would hold the picture back until the next).
      await channels.take(options.channelId, feed.id, 'rerun');
      const out = ffmpegRtpOutputs(endpoint.targets);
      // Input seeking to the keyframe: both streams start there, at output time 0.
      const seek = fromMs > 0 ? ['-ss', (fromMs / 1000).toFixed(3)] : [];
      player.#ffmpeg = new FfmpegProcess({
        args: ['-re', ...seek, '-i', options.file, '-map', '0:v:0', '-c:v', 'copy', ...out.video, '-map', '0:a:0', '-c:a', 'copy', ...out.audio],
        restart: false,
        logger: options.logger,
        what: `re-run on ${options.channelId}`,
      });
      player.#ffmpeg.once('exit', (code) => void player.#end(code === 0 || player.#stopRequested));
      return player;
    } catch (error) {
      player.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Unix ms of the recording's moment 0 on this re-run's clock, once it started. */
  get playedFromMs(): number | undefined {
    return this.#playedFromMs;
  }

  /** Ends the re-run early, as at its end: the channel cuts back to what was on before. */
  stop(): void {
    if (this.#closed || this.#stopRequested) return;
    this.#stopRequested = true;
    this.#stopCaptions();
    this.#ffmpeg?.close();
  }

  /** Stops at once: ffmpeg, the captions and the feed. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopCaptions();
    this.#ffmpeg?.close();
    this.#endpoint.close();
    this.#options.captions.endReplay(this.#options.channelId);
  }

  #onFirstPacket(): void {
    if (this.#closed) return;
    const { recording, captions, logger } = this.#options;
    this.#playedFromMs = Date.now() - this.#fromMs;
    captions.on('cue', this.#onLiveCue);
    this.emit('started', this.#playedFromMs);
    // The recorded cues are read from the database as the picture starts; a correction committed
    // meanwhile is in what is read (it was stored before it was announced).
    captions.recorded(recording.channelId, recording.startedAtMs, this.#recordingEndMs()).then(
      (cues) => {
        if (!this.#closed) for (const cue of cues) this.#schedule(cue);
      },
      (error: unknown) => logger.error({ err: error, channelId: this.#options.channelId }, 'the re-run plays without captions: they cannot be read'),
    );
  }

  /** The recording's end on the program clock. */
  #recordingEndMs(): number {
    const { recording } = this.#options;
    return recording.startedAtMs + (recording.durationMs ?? 0);
  }

  /** Sends a recorded cue again at its offset on the re-run's clock (at once if that has come). */
  #schedule(cue: StoredCue): void {
    const playedFromMs = this.#playedFromMs;
    if (playedFromMs === undefined || this.#stopRequested) return;
    const { recording, captions, channelId } = this.#options;
    this.#cues.set(cue.id, cue);
    clearTimeout(this.#timers.get(cue.id));
    const startMs = playedFromMs + (cue.startMs - recording.startedAtMs);
    const endMs = playedFromMs + (cue.endMs - recording.startedAtMs);
    const now = Date.now();
    if (endMs <= now) return;
    const timer = setTimeout(() => {
      this.#timers.delete(cue.id);
      if (!this.#closed) captions.replay(channelId, this.#cues.get(cue.id) ?? cue, startMs, endMs);
    }, Math.max(0, startMs - now));
    this.#timers.set(cue.id, timer);
  }

  /** A cue of the recorded stretch written or corrected now (a late correction, a file imported for the session). */
  readonly #onLiveCue = (cue: StoredCue): void => {
    const { recording } = this.#options;
    if (cue.channelId !== recording.channelId || cue.startMs < recording.startedAtMs || cue.startMs >= this.#recordingEndMs()) return;
    this.#schedule(cue);
  };

  #stopCaptions(): void {
    this.#options.captions.off('cue', this.#onLiveCue);
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** The recording ended: cut back to what was on before (if it is still there), then close. */
  async #end(ok: boolean): Promise<void> {
    if (this.#closed) return;
    const { channels, channelId, logger } = this.#options;
    const bus = channels.bus(channelId);
    const previous = this.#previousFeedId;
    if (bus.programFeedId === this.feed.id && previous) {
      try {
        await channels.take(channelId, previous, 'rerun');
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            bus.off('changed', onChanged);
            resolve();
          };
          const onChanged = () => {
            if (bus.programFeedId !== this.feed.id) done();
          };
          const timer = setTimeout(done, CUT_BACK_TIMEOUT_MS);
          bus.on('changed', onChanged);
        });
      } catch (error) {
        // The feed before has ended: the channel's backup takes over when this feed closes.
        logger.info({ err: error, channelId }, 'cannot cut back after the re-run');
      }
    }
    this.close();
    this.emit('ended', ok);
  }
}
