/** The HLS video ladder: which renditions a program or a recording is encoded into, and how. */
import { join } from 'node:path';

/** The segments' length in seconds, for video, audio and subtitles alike. */
export const SEGMENT_SECONDS = 2;
/** Frames per second of every rendition (keyframes every SEGMENT_SECONDS x FPS frames). */
export const FPS = 25;

/** One video rendition of the ladder. */
export interface Rendition {
  /** Its directory and name in the master playlist (`720p`). */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Target video bitrate (x264's cap) in kbit/s. */
  readonly videoKbps: number;
}

/** The full ladder, for a source of 720p or more. */
const RUNGS = [
  { height: 720, videoKbps: 2500 },
  { height: 480, videoKbps: 1200 },
  { height: 240, videoKbps: 400 },
] as const;

/** The floor audio's AAC bitrate in kbit/s. */
export const AUDIO_KBPS = 96;

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * The renditions for a program of `source` size: the rungs of 720p, 480p and 240p no taller than
 * the source, and when the source is below 720p, the source's own height on top (never an upscale:
 * a 640x360 program gives 360p and 240p; 1080p gives the three rungs). The width keeps the source's
 * aspect ratio (16:9 when the size is not known yet), rounded to even numbers for H.264's 4:2:0.
 */
export function ladderFor(source: { width: number; height: number } | undefined): Rendition[] {
  const aspect = source && source.width > 0 && source.height > 0 ? source.width / source.height : 16 / 9;
  const top = source ? Math.max(2, source.height) : RUNGS[0].height;
  const heights: { height: number; videoKbps: number }[] = RUNGS.filter((r) => r.height <= top);
  if (top < RUNGS[0].height && !heights.some((r) => r.height === even(top))) {
    // Bitrate by pixels against 720p's, with a floor that still looks right at small sizes.
    heights.unshift({ height: even(top), videoKbps: Math.max(300, Math.round((RUNGS[0].videoKbps * top * top) / (720 * 720))) });
  }
  return heights.map(({ height, videoKbps }) => {
    const h = even(height);
    return { name: `${h}p`, width: even(h * aspect), height: h, videoKbps };
  });
}

/**
 * ffmpeg's arguments that encode input 0's picture into the ladder and its sound into the floor
 * audio, the same for a live program and a recording.
 */
export function ladderEncoding(renditions: readonly Rendition[]): string[] {
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
    // MPEG-TS time starts where the input's does, without the muxer's usual 1.4 s delay: subtitle
    // segments are timed against it.
    '-muxdelay', '0', '-muxpreload', '0',
  ];
}

/**
 * ffmpeg's HLS muxer writing what {@link ladderEncoding} made: MPEG-TS segments of SEGMENT_SECONDS
 * and a media playlist per rendition in `dir/<name>/`, the floor audio in `dir/audio/`.
 * `muxer` adds the live or on-demand options; `segmentName` is the segments' file name (`%d` is the number).
 */
export function hlsOutput(dir: string, renditions: readonly Rendition[], { muxer, segmentName }: { muxer: string[]; segmentName: string }): string[] {
  return [
    '-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_segment_type', 'mpegts', ...muxer,
    '-var_stream_map', [...renditions.map((r, i) => `v:${i},agroup:audio,name:${r.name}`), 'a:0,agroup:audio,name:audio'].join(' '),
    '-hls_segment_filename', join(dir, '%v', segmentName),
    join(dir, '%v', 'index.m3u8'),
  ];
}
