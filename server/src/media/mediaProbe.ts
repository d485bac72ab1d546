import { execFile } from 'node:child_process';

/** What ffprobe finds in a media file. */
export interface MediaProbe {
  /** Codec names per kind, e.g. { video: "vp8", audio: "opus" }. */
  codecs: { video?: string; audio?: string };
  /** The first video stream's picture size, when it has one. */
  size?: { width: number; height: number };
  /** The time of the last packet, in ms: the playable length, also of a file cut short (no duration in its header). */
  durationMs: number;
}

/** Longest a probe may take: it reads every packet's time of a file that may be hours long. */
const PROBE_TIMEOUT_MS = 60_000;

/**
 * The container a file must be, as ffprobe's demuxer name: `webm` (Matroska) or `mp4` (QuickTime).
 * Told it, ffprobe does not guess from the bytes: an upload named .webm that is an HLS or concat
 * playlist would otherwise make it open the files the playlist names (local ones included).
 */
export type ProbeFormat = 'webm' | 'mp4';

function ffprobe(args: string[], format?: ProbeFormat): Promise<string> {
  // Only the file protocol: nothing in a file makes ffprobe reach the network (or a pipe, a device).
  const input = ['-protocol_whitelist', 'file', ...(format ? ['-f', format] : [])];
  return new Promise((resolve, reject) => {
    execFile('ffprobe', ['-v', 'error', ...input, ...args], { timeout: PROBE_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}

/**
 * Probes a media file with Debian's ffprobe. A live WebM has no duration in its header (and one cut
 * short by a crash none at all), so the length is the end of the last packet of any stream.
 * Rejects when ffprobe cannot open the file (or it is not of `format`, when given).
 */
export async function probeMedia(file: string, format?: ProbeFormat): Promise<MediaProbe> {
  const streams = await ffprobe(['-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', file], format);
  const codecs: MediaProbe['codecs'] = {};
  let size: MediaProbe['size'];
  for (const s of (JSON.parse(streams) as { streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number }> }).streams ?? []) {
    if ((s.codec_type === 'video' || s.codec_type === 'audio') && s.codec_name && !codecs[s.codec_type]) {
      codecs[s.codec_type] = s.codec_name;
      if (s.codec_type === 'video' && s.width && s.height) size = { width: s.width, height: s.height };
    }
  }
  const packets = await ffprobe(['-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file], format);
  let endSeconds = 0;
  for (const line of packets.split('\n')) {
    const [pts, duration] = line.split(',').map(Number);
    if (Number.isFinite(pts)) endSeconds = Math.max(endSeconds, pts! + (Number.isFinite(duration) ? duration! : 0));
  }
  return { codecs, size, durationMs: Math.round(endSeconds * 1000) };
}

/**
 * The time (ms) of the last video keyframe at or before `atMs` in a file (or its first keyframe):
 * where playback that must start with a whole picture begins.
 */
export async function keyFrameAtOrBefore(file: string, atMs: number): Promise<number> {
  const seconds = atMs / 1000;
  const out = await ffprobe(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', '-read_intervals', `%+${(seconds + 5).toFixed(3)}`, file]);
  let found: number | undefined;
  for (const line of out.split('\n')) {
    const [pts, flags] = line.split(',');
    if (!flags?.startsWith('K')) continue;
    const t = Number(pts);
    if (found === undefined || t <= seconds + 0.0005) found = t;
    if (t > seconds) break;
  }
  if (found === undefined) throw new Error(`no video keyframe in ${file}`);
  return Math.round(found * 1000);
}

/** Every packet's time (ms) of one stream of a file, in file order: to check a recording's timing. */
export async function packetTimes(file: string, stream: 'v:0' | 'a:0'): Promise<number[]> {
  const out = await ffprobe(['-select_streams', stream, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]);
  return out.split('\n').filter(Boolean).map((t) => Math.round(Number(t) * 1000));
}
