import { createHash } from 'node:crypto';
import { LANGUAGES, type Language } from '@hybrid-stage/shared';
import { SEGMENT_SECONDS } from './ladder';
import { PLAYLIST_SEGMENTS, subtitlePlaylist, vttSegment, type MediaCue } from './playlists';

const SEGMENT_MS = SEGMENT_SECONDS * 1000;
/**
 * A subtitle segment is listed this long after its end: a desk types what it heard, so a cue is
 * committed a moment after its words (one committed later still shows, from the next segment not
 * yet listed on). The player sits two segments behind the video's live edge (HlsPlayer), and
 * hls.js needs the subtitle playlist to reach well past where it starts: with 2 s here, it showed
 * no subtitles at all in two of three starts of the HLS browser test; with 1 s, in none of three.
 */
export const SUBTITLE_HOLD_MS = 1000;
/** Cues are kept this long after they end (the window, its hold and what caches may still ask for). */
const KEEP_MS = (PLAYLIST_SEGMENTS + 4) * SEGMENT_MS + SUBTITLE_HOLD_MS;

/** The packager's media clock: media time (the video's PTS, in ms) is wall-clock time minus `epochMs`. */
export interface MediaClock {
  epochMs: number;
  /** The first segment the video has (media time `firstSequence x SEGMENT_MS`); none is listed before it. */
  firstSequence: number;
}

/** A live cue as the caption pipeline sends it (wall-clock times, Unix ms). */
export interface LiveCue {
  id: string;
  language: Language;
  startMs: number;
  endMs: number;
  text: string;
}

/** A subtitle segment's name: its sequence number and a digest of its text (a corrected segment is a new file, so caches may keep each for ever). */
export const SUBTITLE_SEGMENT = /^(\d{1,12})-([0-9a-f]{12})\.vtt$/;

/**
 * One channel's captions as HLS subtitle tracks: the latest revision of each live cue of the last
 * minute, per language, cut into WebVTT segments of the video's length on the video's clock.
 */
export class SubtitleSegments {
  readonly #cues = new Map<Language, Map<string, LiveCue>>();
  /** Languages that had a cue on this channel: each keeps its playlist (players read the master once). */
  readonly #languages = new Set<Language>();

  /** A new cue or a correction (same id: it replaces the one before). */
  add(cue: LiveCue, now = Date.now()): void {
    this.#languages.add(cue.language);
    let cues = this.#cues.get(cue.language);
    if (!cues) this.#cues.set(cue.language, (cues = new Map()));
    cues.set(cue.id, { id: cue.id, language: cue.language, startMs: cue.startMs, endMs: cue.endMs, text: cue.text });
    this.#prune(now);
  }

  /** Marks a language as captioned (it had cues before the packager started). */
  addLanguage(language: Language): void {
    this.#languages.add(language);
  }

  /** The languages with a subtitle playlist, in the product's order (English first). */
  get languages(): Language[] {
    return LANGUAGES.filter((l) => this.#languages.has(l));
  }

  /** A language's live subtitle playlist now: the last PLAYLIST_SEGMENTS segments that ended SUBTITLE_HOLD_MS ago. */
  playlist(language: Language, clock: MediaClock, now = Date.now()): string {
    const last = Math.floor((now - SUBTITLE_HOLD_MS - clock.epochMs) / SEGMENT_MS) - 1;
    const first = Math.max(clock.firstSequence, last - PLAYLIST_SEGMENTS + 1);
    const refs = [];
    for (let n = first; n <= last; n++) {
      refs.push({ sequence: n, uri: `${n}-${digest(this.segment(language, n, clock))}.vtt`, startsAtMs: clock.epochMs + n * SEGMENT_MS });
    }
    return subtitlePlaylist(refs);
  }

  /** Segment `sequence` of a language as it is now, and whether `wantedDigest` (from its name) still names it. */
  segmentFile(language: Language, sequence: number, wantedDigest: string, clock: MediaClock): { text: string; current: boolean } {
    const text = this.segment(language, sequence, clock);
    return { text, current: digest(text) === wantedDigest };
  }

  /**
   * Segment `sequence` of a language: the cues shown during it, on the media clock. A cue longer
   * than a segment is in each (RFC 8216 §3.5), so a player that joins or switches language in its
   * middle shows it; players drop the repeats (same times and text).
   */
  segment(language: Language, sequence: number, clock: MediaClock): string {
    const from = clock.epochMs + sequence * SEGMENT_MS;
    const cues: MediaCue[] = [];
    for (const cue of this.#cues.get(language)?.values() ?? []) {
      if (cue.startMs < from + SEGMENT_MS && cue.endMs > from) {
        cues.push({ id: cue.id, startMs: cue.startMs - clock.epochMs, endMs: cue.endMs - clock.epochMs, text: cue.text });
      }
    }
    return vttSegment(sequence * SEGMENT_MS, cues);
  }

  #prune(now: number): void {
    for (const cues of this.#cues.values()) for (const [id, cue] of cues) if (cue.endMs < now - KEEP_MS) cues.delete(id);
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
