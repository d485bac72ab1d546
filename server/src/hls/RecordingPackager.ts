import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors';
import type { DiskSpace } from '../files/DiskSpace';
import { privateDir, sweepLeftovers } from '../files/privateFiles';
import { FfmpegProcess } from '../ingest/FfmpegProcess';
import type { Logger } from '../logger';
import { probeMedia } from '../media/mediaProbe';
import { hlsOutput, ladderEncoding, ladderFor, SEGMENT_SECONDS, type Rendition } from './ladder';

/** Written last into a recording's directory: its presence says the packaging finished. */
const DONE_FILE = 'ladder.json';
/** Packaging yields to live media: recorders, live packagers and workers share the cores. */
const NICENESS = 10;

/** What a packaged recording holds. */
export interface PackagedRecording {
  renditions: Rendition[];
  durationMs: number;
}

/** Where a recording's packaging stands. */
export type PackagingState = { status: 'packaging'; progress: number } | { status: 'ready'; packaged: PackagedRecording };

interface Job {
  readonly recordingId: string;
  readonly file: string;
  ffmpeg?: FfmpegProcess;
  durationMs?: number;
  renditions?: Rendition[];
}

/** Options of a {@link RecordingPackager}. */
export interface RecordingPackagerOptions {
  /** Where packaged recordings go, a directory each (DATA_DIR/recording-hls). */
  dir: string;
  /** No packaging starts under its floor. */
  disk?: DiskSpace;
  logger: Logger;
}

/**
 * Finished recordings as HLS on demand (VOD): the first request for one encodes its WebM file with
 * the live ladder's settings (ladder.ts) into MPEG-TS segments of SEGMENT_SECONDS and a VOD
 * playlist per rendition, kept in its own directory for later requests and restarts until the
 * recording is deleted. One recording at a time, the others wait their turn, at a low CPU priority:
 * the live programs on the same host come first. Subtitles are not in the files: the routes write
 * them from the captions database, so a correction stored later shows too.
 */
export class RecordingPackager {
  readonly #options: RecordingPackagerOptions;
  readonly #waiting: Job[] = [];
  #running: Job | undefined;
  readonly #packaged = new Map<string, PackagedRecording>();
  /** Recordings ffmpeg could not package, with why (until a restart: the file will not change). */
  readonly #failed = new Map<string, string>();
  #closed = false;

  constructor(options: RecordingPackagerOptions) {
    this.#options = options;
    privateDir(options.dir);
    // A packaging the last run did not finish is started again when someone asks.
    sweepLeftovers(options.dir, (name) => !existsSync(join(options.dir, name, DONE_FILE)), options.logger);
  }

  /** The directory of a recording's playlists and segments. */
  dirOf(recordingId: string): string {
    return join(this.#options.dir, recordingId);
  }

  /** A packaged recording's renditions and length, once it is ready. */
  packaged(recordingId: string): PackagedRecording | undefined {
    let packaged = this.#packaged.get(recordingId);
    if (!packaged) {
      const done = join(this.dirOf(recordingId), DONE_FILE);
      if (!existsSync(done)) return undefined;
      packaged = JSON.parse(readFileSync(done, 'utf8')) as PackagedRecording;
      this.#packaged.set(recordingId, packaged);
    }
    return packaged;
  }

  /**
   * Where the recording's packaging stands; the first request (or the first after a failure was
   * forgotten with a restart) queues it. INVALID_STATE when ffmpeg could not package the file.
   */
  request(recordingId: string, file: string): PackagingState {
    if (this.#closed) throw new AppError('INVALID_STATE', 'the server is stopping');
    const packaged = this.packaged(recordingId);
    if (packaged) return { status: 'ready', packaged };
    const failed = this.#failed.get(recordingId);
    if (failed) throw new AppError('INVALID_STATE', `this recording cannot be played over HLS: ${failed}`);
    const job = this.#running?.recordingId === recordingId ? this.#running : this.#waiting.find((j) => j.recordingId === recordingId);
    if (job) return { status: 'packaging', progress: this.#progress(job) };
    this.#options.disk?.assertRoom('package a recording');
    this.#waiting.push({ recordingId, file });
    this.#next();
    return { status: 'packaging', progress: 0 };
  }

  /** Forgets a recording's packaging: stops it if it runs and removes its files (the recording is deleted). */
  remove(recordingId: string): void {
    const index = this.#waiting.findIndex((j) => j.recordingId === recordingId);
    if (index >= 0) this.#waiting.splice(index, 1);
    if (this.#running?.recordingId === recordingId) {
      this.#running.ffmpeg?.close();
      this.#running = undefined;
    }
    this.#packaged.delete(recordingId);
    this.#failed.delete(recordingId);
    rmSync(this.dirOf(recordingId), { recursive: true, force: true });
    this.#next();
  }

  /** Stops the packaging under way (its files go; it starts again when asked) and the queue. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiting.length = 0;
    const running = this.#running;
    this.#running = undefined;
    if (running) {
      running.ffmpeg?.close();
      rmSync(this.dirOf(running.recordingId), { recursive: true, force: true });
    }
  }

  /** The share done: the segments written of the lowest rendition against the recording's length. */
  #progress(job: Job): number {
    const lowest = job.renditions?.at(-1);
    if (!lowest || !job.durationMs) return 0;
    let segments = 0;
    try {
      segments = readdirSync(join(this.dirOf(job.recordingId), lowest.name)).filter((f) => f.endsWith('.ts')).length;
    } catch {
      // Removed a moment ago.
    }
    return Math.min(0.99, Math.round(((segments * SEGMENT_SECONDS * 1000) / job.durationMs) * 100) / 100);
  }

  #next(): void {
    if (this.#closed || this.#running) return;
    const job = this.#waiting.shift();
    if (!job) return;
    this.#running = job;
    void this.#package(job).then(
      (packaged) => {
        if (this.#running !== job) return; // removed or closed meanwhile
        this.#packaged.set(job.recordingId, packaged);
        this.#options.logger.info({ recordingId: job.recordingId, renditions: packaged.renditions.map((r) => r.name) }, 'recording packaged as HLS');
      },
      (error: unknown) => {
        if (this.#running !== job) return;
        const reason = error instanceof Error ? error.message : String(error);
        this.#failed.set(job.recordingId, reason);
        rmSync(this.dirOf(job.recordingId), { recursive: true, force: true });
        this.#options.logger.warn({ recordingId: job.recordingId, reason }, 'recording could not be packaged as HLS');
      },
    ).finally(() => {
      if (this.#running === job) this.#running = undefined;
      this.#next();
    });
  }

  async #package(job: Job): Promise<PackagedRecording> {
    const probe = await probeMedia(job.file, 'webm').catch(() => undefined);
    if (!probe?.codecs.video || !probe.codecs.audio || !probe.size) throw new Error('its file has no picture and sound ffprobe can read');
    if (this.#running !== job) throw new Error('removed');
    const dir = this.dirOf(job.recordingId);
    const renditions = ladderFor(probe.size);
    rmSync(dir, { recursive: true, force: true });
    for (const name of [...renditions.map((r) => r.name), 'audio']) mkdirSync(join(dir, name), { recursive: true });
    job.renditions = renditions;
    job.durationMs = probe.durationMs;
    const ffmpeg = new FfmpegProcess({
      // Only the file protocol and the WebM demuxer: the input is read as what it must be.
      args: [
        '-protocol_whitelist', 'file', '-f', 'webm', '-i', job.file,
        ...ladderEncoding(renditions),
        ...hlsOutput(dir, renditions, { muxer: ['-hls_playlist_type', 'vod', '-hls_flags', 'independent_segments+temp_file'], segmentName: '%d.ts' }),
      ],
      restart: false,
      niceness: NICENESS,
      logger: this.#options.logger,
      what: `HLS packager of recording ${job.recordingId}`,
    });
    job.ffmpeg = ffmpeg;
    const [code, signal, stderr] = await new Promise<[number | null, NodeJS.Signals | null, string]>((resolve) => ffmpeg.once('exit', (...args) => resolve(args)));
    if (code !== 0) throw new Error(`ffmpeg exited (${signal ?? `code ${code}`}): ${stderr.trim().slice(-300)}`);
    const packaged: PackagedRecording = { renditions, durationMs: probe.durationMs };
    writeFileSync(join(dir, `${DONE_FILE}.part`), JSON.stringify(packaged));
    renameSync(join(dir, `${DONE_FILE}.part`), join(dir, DONE_FILE));
    return packaged;
  }
}
