/** Recordings of channel programs, re-runs of recorded sessions, and the cinema's films. */
import { z } from 'zod';
import type { Language } from './captions';

/** How a recording stands: being written, finished, or cut short (ffmpeg or the server died). */
export type RecordingStatus = 'recording' | 'done' | 'interrupted' | 'failed';

/** One recording of a channel's program: a WebM file (VP8/Opus, copied, not re-encoded). */
export interface RecordingInfo {
  id: string;
  channelId: string;
  /** The agenda session on air when it started, if any. */
  sessionId: string | null;
  /** Program-clock time (Unix ms) of the file's first moment; caption offsets are cue.startMs minus this. */
  startedAtMs: number;
  /** When it stopped, or null while recording. */
  endedAtMs: number | null;
  /** Playable length of the file, in ms (null while recording). */
  durationMs: number | null;
  /** File size in bytes, as it is now. */
  sizeBytes: number;
  status: RecordingStatus;
  /** Started by a producer ("manual") or at a session's start ("session"). */
  trigger: 'manual' | 'session';
}

/**
 * A finished recording over HLS (`GET /api/recordings/:id/hls`): packaged the first time someone
 * asks, which takes a while (about a tenth of its length on one core), then kept.
 */
export interface RecordingHls {
  recordingId: string;
  status: 'packaging' | 'ready';
  /** 0-1: the share packaged (1 once ready). */
  progress: number;
  /** Once ready: its master playlist, signed. */
  url?: string;
  /** Caption languages with a subtitle track in it. */
  captionLanguages: Language[];
}

/** How a re-run stands. */
export type ReRunStatus = 'scheduled' | 'playing' | 'done' | 'failed';

/** A scheduled replay of a recorded session on a channel, for an audience region. */
export interface ReRunInfo {
  id: string;
  sessionId: string;
  channelId: string;
  /** ISO time it starts. */
  startsAt: string;
  /** ISO time it ends: the start plus the recording's length. */
  endsAt: string;
  /** The audience it is for, e.g. "Americas". */
  region: string;
  status: ReRunStatus;
  /** The recording it plays; null once a producer deleted that recording (a re-run that was). */
  recordingId: string | null;
  /** Program-clock time (Unix ms) the replay's first moment went out, while or after playing. */
  playedFromMs: number | null;
}

/** What the agenda and calendars need of a re-run: when and where it plays, for whom. */
export type ReRunSlot = Pick<ReRunInfo, 'id' | 'sessionId' | 'channelId' | 'startsAt' | 'endsAt' | 'region'> & {
  /** A failed re-run is left out of the agenda and calendars. */
  status?: ReRunStatus;
};

/** A region label: what an audience reads in the agenda. */
export const RegionLabel = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .refine((t) => !/[\u0000-\u001f\u007f]/.test(t), 'region holds control characters');

/** An ISO 8601 time with an offset (e.g. 2026-11-24T18:00:00Z). */
export const IsoTime = z.iso.datetime({ offset: true });

/** An IANA time zone the runtime knows ("Asia/Tokyo"): a studio's, a re-run plan's places. */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'not an IANA time zone');

/** A place a re-run plan serves: its time zone, and the region label its re-run shows. */
export const PlannedPlace = z.strictObject({ timeZone: TimeZone, region: RegionLabel });
export type PlannedPlace = z.infer<typeof PlannedPlace>;

/** A film's caption track. */
export interface FilmTrack {
  language: Language;
  /** The language's name, for the browser's caption menu. */
  label: string;
  /** URL of the WebVTT file. */
  src: string;
}

/** One film of the cinema: a video file with WebVTT tracks. */
export interface FilmInfo {
  id: string;
  title: string;
  description: string;
  /** URL of the video file (served with range requests). */
  src: string;
  /** Its MIME type, e.g. video/webm. */
  type: string;
  /** Length in ms, when known. */
  durationMs: number | null;
  tracks: FilmTrack[];
}

/** A film id: also the stem of its files in the films directory. */
export const FilmId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a film id is lowercase letters, digits and dashes')
  .refine((id) => id !== 'files', '"files" is reserved');

/** A film's title and description, as an admin sets them. */
export const FilmDetails = z.strictObject({
  title: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(''),
});
export type FilmDetails = z.infer<typeof FilmDetails>;

/** Where a channel plays over HLS (`GET /api/hls/:channelId`): its master playlist, signed at an event that asks viewers to register. */
export interface HlsSource {
  channelId: string;
  /** The master playlist's path on this server, with `?expires=…&signature=…` when signed. */
  url: string;
}
