import { EventEmitter } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { types } from 'mediasoup';
import type { MediaKind } from '@hybrid-stage/shared';
import { ProgramToFfmpeg } from '../media/programToFfmpeg';
import type { Logger } from '../logger';
import { AUDIO_KBPS, type Rendition } from './ladder';
import { FPS, PLAYLIST_SEGMENTS, SEGMENT_SECONDS } from './playlists';

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

/** The ffmpeg arguments after the input: the ladder, the floor audio and the HLS muxer. */
function ladderArgs(dir: string, renditions: readonly Rendition[], epochMs: number, continuing: boolean): string[] {
  const n = renditions.length;
  // One decode, a constant frame rate (arrival times jitter), one scaler per rendition. Sizes are
  // fixed, so a later take of another size is letterboxed, not a new stream.
  const graph = [
    `[0:v:0]fps=${FPS},split=${n}${renditions.map((_, i) => `[s${i}]`).join('')}`,
    ...renditions.map(
      (r, i) => `[s${i}]scale=${r.width}:${r.height}:force_original_aspect_ratio=decrease,pad=${r.width}:${r.height}:-1:-1,setsar=1,format=yuv420p[v${i}]`,
    ),
  ].join(';');
  const video = renditions.flatMap((r, i) => [
    '-map', `[v${i}]`,
    `-b:v:${i}`, `${r.videoKbps}k`, `-maxrate:v:${i}`, `${r.videoKbps}k`, `-bufsize:v:${i}`, `${r.videoKbps * 2}k`,
  ]);
  const gop = String(FPS * SEGMENT_SECONDS);
  const flags = ['delete_segments', 'independent_segments', 'program_date_time', 'temp_file', ...(continuing ? ['append_list', 'discont_start'] : [])];
  return [
    '-filter_complex', graph,
    ...video,
    // x264's cheapest preset that still looks right at these bitrates (ultrafast drops CABAC and
    // looks blocky), no lookahead or B-frames (zerolatency), one thread per encoder (threads cost
    // more than they save at these sizes on shared cores); a keyframe every segment, exactly, in
    // every rendition (same frames, no scene-cut keyframes), so every segment starts with one.
    '-c:v', 'libx264', '-preset', 'superfast', '-tune', 'zerolatency', '-profile:v', 'main', '-level:v', '3.1',
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-threads', '1',
    // The floor audio: Opus decoded, gaps filled (a take, a lost packet), AAC-LC.
    '-map', '0:a:0', '-af', 'aresample=async=1', '-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-ac', '2', '-ar', '48000',
    // The PTS are the media clock itself (see HlsPackager), without the muxer's usual 1.4 s delay.
    '-muxdelay', '0', '-muxpreload', '0',
    '-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_list_size', String(PLAYLIST_SEGMENTS),
    '-hls_delete_threshold', String(DELETE_THRESHOLD), '-hls_flags', flags.join('+'), '-hls_segment_type', 'mpegts',
    '-var_stream_map', [...renditions.map((r, i) => `v:${i},agroup:audio,name:${r.name}`), 'a:0,agroup:audio,name:audio'].join(' '),
    // Segment names carry the clock, so a packager started afresh (new clock) never reuses a name a
    // cache keeps for ever.
    '-hls_segment_filename', join(dir, '%v', `${Math.floor(epochMs / 1000)}-%d.ts`),
    join(dir, '%v', 'index.m3u8'),
  ];
}

/**
 * One channel's program as HLS: its VP8 and Opus producers are consumed through PlainTransports
 * into Debian's ffmpeg (as the recorder does), which decodes the picture once, encodes an H.264
 * ladder and AAC floor audio and writes MPEG-TS segments of SEGMENT_SECONDS and their playlists.
 *
 * The clock: packets are timed by arrival (`-use_wallclock_as_timestamps`), moved back by the
 * epoch (`-itsoffset`) and kept (`-copyts`), so a frame's PTS is the wall-clock moment it was on
 * the program minus `epochMs`. Caption cues carry wall-clock times, so the server can write the
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
      args: [
        '-protocol_whitelist', 'file,udp,rtp', '-use_wallclock_as_timestamps', '1',
        '-itsoffset', (-epochMs / 1000).toFixed(3), '-threads', '1', '-i', sdpFile,
        '-copyts',
        ...ladderArgs(dir, renditions, epochMs, continuing),
      ],
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
