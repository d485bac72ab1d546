import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES, type Language } from '@hybrid-stage/shared';
import type { CaptionPipeline } from '../captions/CaptionPipeline';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { ChannelRegistry } from '../program/ChannelRegistry';
import { HlsPackager } from './HlsPackager';
import { ladderFor, type Rendition } from './ladder';
import { SEGMENT_SECONDS } from './ladder';
import { SubtitleSegments, type MediaClock } from './SubtitleSegments';

/** A channel packaged on demand stops after nobody pulled its playlists or segments for this long. */
const HLS_IDLE_MS = 60_000;
/** How often idle packagers are stopped and lost ones started again. */
const SWEEP_MS = 2000;
/** The first pull of a channel waits this long for its first segments (then 503, try again). */
const READY_TIMEOUT_MS = 12_000;
/** A first start waits at most this long for the program's first keyframe, which gives the ladder its sizes. */
const SIZE_WAIT_MS = 3000;
/** The media clock starts this far before the packager, so PTS stay well above zero. */
const CLOCK_LEAD_MS = 10_000;
const SEGMENT_MS = SEGMENT_SECONDS * 1000;

/** Options of an {@link HlsRegistry}. */
export interface HlsRegistryOptions {
  channels: ChannelRegistry;
  captions: CaptionPipeline;
  /** Where the channels' directories go (DATA_DIR/hls), emptied at start. */
  dir: string;
  /** Channels packaged all the time (HLS_CHANNELS). */
  alwaysOn: readonly string[];
  idleMs?: number;
  logger: Logger;
}

/** A channel being packaged. */
interface Packaging {
  packager: HlsPackager | undefined;
  readonly clock: MediaClock;
  /** Chosen at the first start, by the program's size then; kept by restarts (the playlists go on). */
  renditions: readonly Rendition[];
  /** Whether a packager was ever started (then a restart continues its playlists). */
  started: boolean;
  /** Whether every playlist of its ladder is on disk (they stay: a restart continues them). */
  written: boolean;
  /** A start under way. */
  starting: Promise<void> | undefined;
}

/**
 * The channels' HLS: a packager per channel in HLS_CHANNELS, and one for any other channel while
 * someone pulls it, stopped after {@link HLS_IDLE_MS} without a pull. A packager that ends (ffmpeg
 * died, the bus's worker died) is started again on the channel's bus, continuing its playlists on
 * the same clock. A take or a failover changes nothing here: the bus keeps its producers. Every
 * channel's live cues are kept for its subtitle playlists.
 */
export class HlsRegistry {
  readonly #options: HlsRegistryOptions;
  readonly #packaging = new Map<string, Packaging>();
  readonly #subtitles = new Map<string, SubtitleSegments>();
  readonly #lastPull = new Map<string, number>();
  #segmentsServed = 0;
  readonly #sweep: NodeJS.Timeout;
  #closed = false;

  private constructor(options: HlsRegistryOptions) {
    this.#options = options;
    rmSync(options.dir, { recursive: true, force: true });
    mkdirSync(options.dir, { recursive: true });
    options.captions.on('cue', this.#onCue);
    this.#sweep = setInterval(() => this.#tend(), SWEEP_MS);
  }

  /**
   * Starts the always-on channels' packagers, without waiting for them (each waits for its
   * program's first keyframe). A channel the event does not have stops the start (NOT_FOUND).
   */
  static async start(options: HlsRegistryOptions): Promise<HlsRegistry> {
    for (const channelId of options.alwaysOn) options.channels.bus(channelId);
    const registry = new HlsRegistry(options);
    for (const channelId of options.alwaysOn) {
      registry.#ensure(channelId).catch((err) => options.logger.error({ err, channelId }, 'cannot start the HLS packager; trying again'));
    }
    return registry;
  }

  /** The channels being packaged now. */
  get packaging(): string[] {
    return [...this.#packaging.keys()];
  }

  /** The ffmpeg packaging a channel, while it runs (for tests and operators). */
  packagerPid(channelId: string): number | undefined {
    return this.#packaging.get(channelId)?.packager?.pid;
  }

  /** NOT_FOUND unless the event has this channel. */
  assertChannel(channelId: string): void {
    this.#options.channels.bus(channelId);
  }

  /** A channel's clock, ladder and subtitles while it is being packaged (whether or not ffmpeg runs this moment). */
  live(channelId: string): { clock: MediaClock; renditions: readonly Rendition[]; subtitles: SubtitleSegments } | undefined {
    const packaging = this.#packaging.get(channelId);
    return packaging && { clock: packaging.clock, renditions: packaging.renditions, subtitles: this.#subtitlesOf(channelId) };
  }

  /** A channel's directory of playlists and segments. */
  dirOf(channelId: string): string {
    return join(this.#options.dir, channelId);
  }

  /**
   * A viewer pulls a channel: starts its packager if it is not running and waits until its first
   * segments are there. NOT_FOUND for no such channel; UNAVAILABLE (503) when HLS cannot start in time.
   */
  async pull(channelId: string): Promise<{ clock: MediaClock; renditions: readonly Rendition[]; subtitles: SubtitleSegments }> {
    this.#options.channels.bus(channelId); // NOT_FOUND
    if (this.#closed) throw new AppError('UNAVAILABLE', 'the server is stopping');
    this.#lastPull.set(channelId, Date.now());
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let packaging = this.#packaging.get(channelId);
    if (!packaging?.packager) {
      await Promise.race([this.#ensure(channelId), new Promise((r) => setTimeout(r, READY_TIMEOUT_MS))]).catch((err) =>
        this.#options.logger.warn({ err, channelId }, 'cannot start the HLS packager'),
      );
      packaging = this.#packaging.get(channelId);
    }
    while (!packaging || !this.#ready(channelId, packaging)) {
      if (Date.now() > deadline || this.#closed) throw new AppError('UNAVAILABLE', `HLS for ${channelId} is starting; try again in a moment`);
      await new Promise((r) => setTimeout(r, 100));
      packaging = this.#packaging.get(channelId);
    }
    return { clock: packaging.clock, renditions: packaging.renditions, subtitles: this.#subtitlesOf(channelId) };
  }

  /** A pull of a segment: keeps an on-demand packager running without waiting for anything. */
  touch(channelId: string): void {
    if (this.#packaging.has(channelId)) this.#lastPull.set(channelId, Date.now());
  }

  /** Video and audio segments served so far: behind a cache, about one per segment (`/metrics`). */
  get segmentsServed(): number {
    return this.#segmentsServed;
  }

  /** Counts a segment served. */
  countSegmentServed(): void {
    this.#segmentsServed++;
  }

  /** Stops every packager. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweep);
    this.#options.captions.off('cue', this.#onCue);
    for (const p of this.#packaging.values()) p.packager?.close();
    this.#packaging.clear();
  }

  readonly #onCue = (cue: { id: string; channelId: string; language: Language; startMs: number; endMs: number; text: string }): void => {
    this.#subtitlesOf(cue.channelId).add(cue);
  };

  #subtitlesOf(channelId: string): SubtitleSegments {
    let subtitles = this.#subtitles.get(channelId);
    if (!subtitles) this.#subtitles.set(channelId, (subtitles = new SubtitleSegments()));
    return subtitles;
  }

  /**
   * Whether a channel's packager runs and every playlist of its ladder has been written. The disk is
   * looked at only until they all are: every playlist request of every player asks this.
   */
  #ready(channelId: string, packaging: Packaging): boolean {
    if (!packaging.packager) return false;
    const dir = this.dirOf(channelId);
    packaging.written ||= [...packaging.renditions.map((r) => r.name), 'audio'].every((name) => existsSync(join(dir, name, 'index.m3u8')));
    return packaging.written;
  }

  #wanted(channelId: string): boolean {
    return this.#options.alwaysOn.includes(channelId) || Date.now() - (this.#lastPull.get(channelId) ?? 0) < (this.#options.idleMs ?? HLS_IDLE_MS);
  }

  /** Starts (or starts again) a channel's packager, unless it runs or is starting. */
  #ensure(channelId: string): Promise<void> {
    let packaging = this.#packaging.get(channelId);
    if (packaging?.packager) return Promise.resolve();
    if (packaging?.starting) return packaging.starting;
    if (!packaging) {
      const epochMs = Date.now() - CLOCK_LEAD_MS;
      packaging = {
        packager: undefined,
        clock: { epochMs, firstSequence: Math.ceil(CLOCK_LEAD_MS / SEGMENT_MS) },
        renditions: [],
        started: false,
        written: false,
        starting: undefined,
      };
      this.#packaging.set(channelId, packaging);
    }
    const current = packaging;
    current.starting = this.#startPackager(channelId, current).finally(() => (current.starting = undefined));
    return current.starting;
  }

  async #startPackager(channelId: string, packaging: Packaging): Promise<void> {
    const { channels, captions, logger } = this.#options;
    const bus = channels.bus(channelId);
    if (bus.closed) throw new AppError('INVALID_STATE', `channel ${channelId} is being rebuilt`);
    if (!packaging.started) {
      // The ladder fits the program's size (no upscaling): wait a moment for a keyframe to say it.
      const until = Date.now() + SIZE_WAIT_MS;
      while (!bus.videoSize && !bus.closed && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      packaging.renditions = ladderFor(bus.videoSize);
      // Languages captioned lately get their playlists from the start (players read the master once).
      const subtitles = this.#subtitlesOf(channelId);
      for (const language of LANGUAGES) if ((await captions.recent(channelId, language)).length > 0) subtitles.addLanguage(language);
    }
    const packager = await HlsPackager.start({
      router: bus.router,
      producers: bus.producers,
      dir: this.dirOf(channelId),
      renditions: packaging.renditions,
      epochMs: packaging.clock.epochMs,
      continuing: packaging.started,
      logger: logger.child({ channel: channelId }),
      what: `hls ${channelId}`,
    });
    if (this.#closed || this.#packaging.get(channelId) !== packaging) {
      packager.close();
      return;
    }
    packaging.packager = packager;
    logger.info({ channelId, renditions: packaging.renditions.map((r) => r.name), again: packaging.started }, 'HLS packager started');
    packaging.started = true;
    packager.once('interrupted', (reason) => {
      if (packaging.packager === packager) packaging.packager = undefined;
      logger.warn({ channelId, reason }, 'HLS packager ended; starting it again');
    });
  }

  /** Stops idle on-demand packagers; starts again those that ended while still wanted. */
  #tend(): void {
    for (const [channelId, packaging] of this.#packaging) {
      if (!this.#wanted(channelId)) {
        packaging.packager?.close();
        this.#packaging.delete(channelId);
        rmSync(this.dirOf(channelId), { recursive: true, force: true });
        this.#options.logger.info({ channelId }, 'HLS packager stopped: nobody pulled it lately');
      } else if (!packaging.packager && !packaging.starting) {
        this.#ensure(channelId).catch((err) => this.#options.logger.warn({ err, channelId }, 'cannot start the HLS packager again; trying again'));
      }
    }
  }
}
