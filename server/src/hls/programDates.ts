import { open } from 'node:fs/promises';
import { join } from 'node:path';

/** MPEG-TS packets are this long. */
const TS_PACKET = 188;
/** The first PES header of a segment is within its first packets: at most this much is read. */
const HEAD_BYTES = 64 * TS_PACKET;
/** PTS count 90 kHz ticks in 33 bits and wrap after about 26.5 hours. */
const PTS_WRAP = 2 ** 33;
/** Segment start times remembered (a few playlists' worth per channel; the oldest go first). */
const REMEMBERED = 4096;

/**
 * The first presentation time stamp in an MPEG-TS segment's head: the PTS of the first PES packet
 * that carries one (a segment starts with its keyframe), in 90 kHz ticks; undefined if none is found.
 * A small reader rather than a library: nothing in npm reads one field of an MPEG-TS header without
 * parsing (or demuxing) the whole stream.
 */
export function firstPts(head: Uint8Array): number | undefined {
  for (let packet = 0; packet + TS_PACKET <= head.length; packet += TS_PACKET) {
    if (head[packet] !== 0x47) return undefined; // not MPEG-TS, or not aligned
    const payloadStart = (head[packet + 1]! & 0x40) !== 0;
    const adaptation = (head[packet + 3]! >> 4) & 0x03;
    if (!payloadStart || adaptation === 0 || adaptation === 2) continue;
    const p = packet + 4 + (adaptation === 3 ? 1 + head[packet + 4]! : 0);
    if (p + 14 > packet + TS_PACKET) continue;
    // A PES packet (start code 00 00 01) whose header says a PTS follows; tables (PAT, PMT) do not start so.
    if (head[p] !== 0 || head[p + 1] !== 0 || head[p + 2] !== 1 || (head[p + 7]! & 0x80) === 0) continue;
    const b = head.subarray(p + 9, p + 14);
    return ((b[0]! >> 1) & 0x07) * 2 ** 30 + ((b[1]! << 7) | (b[2]! >> 1)) * 2 ** 15 + ((b[3]! << 7) | (b[4]! >> 1));
  }
  return undefined;
}

/**
 * The video and audio playlists' `EXT-X-PROGRAM-DATE-TIME`, from the media clock. ffmpeg's HLS
 * muxer (`program_date_time`) dates its first segment by the wall clock when it opened it and counts
 * on by segment durations, so its dates run ahead of the pictures by ffmpeg's start-up and
 * encoding delay (about 0.95 s here: bench `hls.captionOffsetMs`'s baseline), and a player's
 * "behind live" and every time read on that clock are off by as much. The segments' PTS are the
 * media clock itself (HlsPackager: wall-clock time on the program minus the channel's epoch), so a
 * segment's true date is the epoch plus its first PTS, read once per segment.
 */
export class ProgramDates {
  readonly #startMs = new Map<string, number>();

  /**
   * `playlist` (ffmpeg's, of the segments in `dir`) with each segment's date set from its PTS.
   * Only segments of this clock (named `<epoch seconds>-<n>.ts` by HlsPackager) are dated; a
   * segment that cannot be read (deleted meanwhile) keeps ffmpeg's date.
   */
  async rewrite(playlist: string, dir: string, epochMs: number, now = Date.now()): Promise<string> {
    const lines = playlist.split('\n');
    const prefix = `${Math.floor(epochMs / 1000)}-`;
    let dateLine = -1;
    for (const [i, line] of lines.entries()) {
      if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) dateLine = i;
      if (line.startsWith('#') || !line.trim()) continue;
      if (dateLine >= 0 && line.startsWith(prefix) && line.endsWith('.ts') && !line.includes('/')) {
        const startMs = await this.#segmentStartMs(join(dir, line), epochMs, now);
        if (startMs !== undefined) lines[dateLine] = `#EXT-X-PROGRAM-DATE-TIME:${new Date(epochMs + startMs).toISOString()}`;
      }
      dateLine = -1;
    }
    return lines.join('\n');
  }

  /** A segment's start on the media clock (ms), its PTS unwrapped to the one nearest `now`. */
  async #segmentStartMs(file: string, epochMs: number, now: number): Promise<number | undefined> {
    const known = this.#startMs.get(file);
    if (known !== undefined) return known;
    const head = await readHead(file);
    const pts = head && firstPts(head);
    if (pts === undefined) return undefined;
    const expected = (now - epochMs) * 90;
    const ticks = pts + PTS_WRAP * Math.round((expected - pts) / PTS_WRAP);
    const startMs = ticks / 90;
    this.#startMs.set(file, startMs);
    if (this.#startMs.size > REMEMBERED) this.#startMs.delete(this.#startMs.keys().next().value!);
    return startMs;
  }
}

async function readHead(file: string): Promise<Uint8Array | undefined> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
