/**
 * The playlists and WebVTT segments the server writes itself (RFC 8216): the master playlist, one
 * subtitle media playlist per caption language and its segments. ffmpeg writes the video and audio
 * media playlists; it can hold only one WebVTT stream per variant, so it cannot carry N languages.
 */
import { LANGUAGE_NAMES, type Language } from '@hybrid-stage/shared';
import { escapeCueText } from '../captions/webvtt';
import { AUDIO_KBPS, FPS, SEGMENT_SECONDS, type Rendition } from './ladder';

/** Segments a live media playlist lists. */
export const PLAYLIST_SEGMENTS = 6;
/** H.264 Main profile, level 3.1 (up to 1280x720 at 30 fps), and AAC-LC. */
const CODECS = 'avc1.4d401f,mp4a.40.2';

/** A quoted-string attribute value: RFC 8216 forbids `"`, CR and LF in one. */
const quoted = (value: string) => `"${value.replace(/["\r\n]/g, '')}"`;

/** What the master playlist ties together. */
export interface MasterContent {
  renditions: readonly Rendition[];
  /** Caption languages with a subtitle playlist, in the order the picker shows them. */
  subtitles: readonly Language[];
  /** Appended to every URI (a signed URL's query, with its `?`), or ''. */
  query?: string;
}

/**
 * The master playlist: the floor audio as the one rendition of an `AUDIO` group, a `SUBTITLES`
 * rendition per caption language (its name in itself; English the default), and a variant per
 * video rendition referring to both.
 */
export function masterPlaylist({ renditions, subtitles, query = '' }: MasterContent): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS'];
  lines.push(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Floor",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI=${quoted(`audio/index.m3u8${query}`)}`);
  for (const language of subtitles) {
    const main = language === 'en' ? 'YES' : 'NO';
    lines.push(
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE=${quoted(language)},NAME=${quoted(LANGUAGE_NAMES[language])},` +
        `DEFAULT=${main},AUTOSELECT=${main},FORCED=NO,URI=${quoted(`subs/${language}/index.m3u8${query}`)}`,
    );
  }
  for (const r of renditions) {
    const bandwidth = Math.round((r.videoKbps + AUDIO_KBPS) * 1000 * 1.1); // peak, with container overhead
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth},RESOLUTION=${r.width}x${r.height},FRAME-RATE=${FPS}.000,CODECS="${CODECS}",AUDIO="audio"` +
        (subtitles.length ? ',SUBTITLES="subs"' : ''),
      `${r.name}/index.m3u8${query}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One listed subtitle segment. */
export interface SubtitleSegmentRef {
  sequence: number;
  uri: string;
  /** Wall-clock time of its start (Unix ms). */
  startsAtMs: number;
}

/** A live subtitle media playlist: segments of SEGMENT_SECONDS, oldest first. */
export function subtitlePlaylist(segments: readonly SubtitleSegmentRef[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6', `#EXT-X-TARGETDURATION:${SEGMENT_SECONDS}`, `#EXT-X-MEDIA-SEQUENCE:${segments[0]?.sequence ?? 0}`];
  for (const s of segments) {
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.startsAtMs).toISOString()}`, `#EXTINF:${SEGMENT_SECONDS.toFixed(3)},`, s.uri);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A recording's subtitle media playlist (VOD): one WebVTT segment, `uri`, as long as the recording.
 * Its cues are few next to the picture's segments, and one file is one request.
 */
export function vodSubtitlePlaylist(durationMs: number, uri: string): string {
  const seconds = Math.max(0.001, durationMs / 1000);
  return [
    '#EXTM3U', '#EXT-X-VERSION:6', `#EXT-X-TARGETDURATION:${Math.ceil(seconds)}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD',
    `#EXTINF:${seconds.toFixed(3)},`, uri, '#EXT-X-ENDLIST', '',
  ].join('\n');
}

/** hh:mm:ss.ttt on the media clock. */
function vttTime(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(t / 3_600_000))}:${pad(Math.floor(t / 60_000) % 60)}:${pad(Math.floor(t / 1000) % 60)}.${pad(t % 1000, 3)}`;
}

/** A cue with times on the media clock (ms of MPEG-TS time, i.e. PTS / 90). */
export interface MediaCue {
  id: string;
  startMs: number;
  endMs: number;
  text: string;
}

/**
 * One WebVTT segment starting at `startMs` on the media clock, the video's PTS in ms: its
 * `X-TIMESTAMP-MAP` says that local time `startMs` is MPEG-TS `startMs x 90`, so a player puts each
 * cue where the video frames of the same moment are.
 */
export function vttSegment(startMs: number, cues: readonly MediaCue[]): string {
  const blocks = [...cues]
    .sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id))
    .map((c) => `${c.id}\n${vttTime(c.startMs)} --> ${vttTime(c.endMs)}\n${escapeCueText(c.text)}`);
  return `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${Math.round(startMs * 90)},LOCAL:${vttTime(startMs)}\n\n${blocks.join('\n\n')}${blocks.length ? '\n' : ''}`;
}
