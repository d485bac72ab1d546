/** The HLS video ladder: which renditions a channel's program is encoded into. */

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
