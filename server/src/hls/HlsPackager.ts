import { EventEmitter } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { types } from 'mediasoup';
import type { MediaKind } from '@hybrid-stage/shared';
import { ProgramToFfmpeg, wallClockInput } from '../media/programToFfmpeg';
import type { Logger } from '../logger';
import { hlsOutput, ladderEncoding, type Rendition } from './ladder';
import { PLAYLIST_SEGMENTS } from './playlists';

/**
 * The program is asked for a keyframe this often: the packager decodes the program, and a decoder
 * that lost a packet shows damage until the next one (ffmpeg sends no PLI of its own).
 */
const KEYFRAME_INTERVAL_MS = 10_000;
/** Segments past the playlist's window kept on disk, for players and caches that read the playlist a moment ago. */
const DELETE_THRESHOLD = 3;

/** Events of an {@link HlsPackager}. */
export interface HlsPackagerEvents {
  /** ffmpeg ended, or the program went away with its worker; the packager is closed. */
  interrupted: [reason: string];
}

/** Options of {@link HlsPackager.start}. */
export interface HlsPackagerOptions {
  /** The router the program's producers live on. */
  router: types.Router;
  /** The program's producers (a channel's `ProgramBus.producers`). */
  producers: Readonly<Record<MediaKind, types.Producer>>;
  /** Where the playlists and segments go: a directory per rendition, `audio/` for the floor audio. */
  dir: string;
  renditions: readonly Rendition[];
  /** The media clock: a frame's PTS is its arrival (wall clock) minus this. */
  epochMs: number;
  /** A restart continues the playlists already in `dir` (numbering on, a discontinuity). */
  continuing: boolean;
  logger: Logger;
  what: string;
}

/** The ffmpeg arguments after the input: the ladder, the floor audio and a live HLS muxer. */
function liveArgs(dir: string, renditions: readonly Rendition[], epochMs: number, continuing: boolean): string[] {
  const flags = ['delete_segments', 'independent_segments', 'program_date_time', 'temp_file', ...(continuing ? ['append_list', 'discont_start'] : [])];
  return [
    ...ladderEncoding(renditions),
    ...hlsOutput(dir, renditions, {
      muxer: ['-hls_list_size', String(PLAYLIST_SEGMENTS), '-hls_delete_threshold', String(DELETE_THRESHOLD), '-hls_flags', flags.join('+')],
      // Segment names carry the clock, so a packager started afresh (new clock) never reuses a name
      // a cache keeps for ever.
      segmentName: `${Math.floor(epochMs / 1000)}-%d.ts`,
    }),
  ];
}

/**
 * One channel's program as HLS: its VP8 and Opus producers are consumed through PlainTransports
 * into Debian's ffmpeg (as the recorder does), which decodes the picture once, encodes an H.264
 * ladder and AAC floor audio and writes MPEG-TS segments of SEGMENT_SECONDS and their playlists.
 *
 * The clock: {@link wallClockInput}, so a frame's PTS is the wall-clock moment it was on the
 * program minus `epochMs`. Caption cues carry wall-clock times, so the server can write the
 * subtitle segments' `X-TIMESTAMP-MAP` without asking ffmpeg anything.
 */
export class HlsPackager extends EventEmitter<HlsPackagerEvents> {
  readonly #program: ProgramToFfmpeg;
  #closed = false;

  private constructor(program: ProgramToFfmpeg) {
    super();
    this.#program = program;
    program.ffmpeg.on('exit', (code, signal, stderr) => this.#interrupt(`ffmpeg exited (${signal ?? `code ${code}`}): ${stderr.trim().slice(-300)}`));
    program.onProgramLost(() => this.#interrupt('the program went away'));
  }

  /** Starts ffmpeg, waits until it listens, then sends it the program from the next keyframe on. */
  static async start({ router, producers, dir, renditions, epochMs, continuing, logger, what }: HlsPackagerOptions): Promise<HlsPackager> {
    if (!continuing) rmSync(dir, { recursive: true, force: true });
    for (const name of [...renditions.map((r) => r.name), 'audio']) mkdirSync(join(dir, name), { recursive: true });
    const sdpFile = join(dir, 'program.sdp');
    const program = await ProgramToFfmpeg.start({
      router,
      producers,
      sdpFile,
      args: [...wallClockInput(sdpFile, epochMs), ...liveArgs(dir, renditions, epochMs, continuing)],
      keyFrameIntervalMs: KEYFRAME_INTERVAL_MS,
      logger,
      what,
    });
    const packager = new HlsPackager(program);
    await program.play();
    return packager;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The ffmpeg packaging, while it runs (for tests and operators). */
  get pid(): number | undefined {
    return this.#program.ffmpeg.pid;
  }

  /** Kills ffmpeg (a live playlist needs no finishing) and closes the transports. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#program.close();
  }

  #interrupt(reason: string): void {
    if (this.#closed) return;
    this.close();
    this.emit('interrupted', reason);
  }
}
