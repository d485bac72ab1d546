/** Caption languages, cues and the limits on them, shared by server and client. */
import { z } from 'zod';
import { LANGUAGES, MAX_CUE_DURATION_MS, MAX_CUE_TEXT } from './vocabulary';

/** A caption (and UI) language: one of {@link LANGUAGES}. */
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

/** Where a cue came from. */
/** `machine`: a machine translation; `speech`: an English phrase heard by speech recognition. */
export type CueSource = 'desk' | 'api' | 'file' | 'machine' | 'speech';
/** A draft waits for a translator; a live cue is shown to viewers. */
export type CueStatus = 'draft' | 'live';

/** One caption cue (its newest revision). Times are on the program clock: Unix milliseconds. */
export interface Cue {
  id: string;
  revision: number;
  channelId: string;
  /** The agenda session on air at the cue's start, if any. */
  sessionId: string | null;
  language: Language;
  startMs: number;
  endMs: number;
  text: string;
  source: CueSource;
  status: CueStatus;
  /** For a machine translation, the English cue it came from. */
  translatedFrom: string | null;
}

/** Who or what produces one language's captions on a channel now: a producer's overview of the languages. */
export interface LanguageCoverage {
  language: Language;
  /** Captioners' desks open for it now. */
  desks: number;
  /** Whether a provider sent cues through the ingest API in the last two minutes. */
  provider: boolean;
  /** How machine translation makes it from English (e.g. "apertium en→es→pt"), if it does. */
  machine: string | null;
  /** Whether speech recognition drafts it from the program (English, on an `ASR_CHANNELS` channel). */
  speech: boolean;
}

/** Cue text as it may be submitted: trimmed, not empty, no control characters but newlines. */
export const CueText = z
  .string()
  .max(MAX_CUE_TEXT)
  .transform((t) => t.replace(/\r\n?/g, '\n').replace(/\n{2,}/g, '\n').trim())
  .refine((t) => t.length > 0, 'text is empty')
  .refine((t) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(t), 'text holds control characters');

/** A cue's times: end after start, no longer than the maximum (the refinements, for an object that has them). */
function checkCueTimes<T extends z.ZodType<{ startMs: number; endMs: number }>>(schema: T): T {
  return schema
    .refine((t) => t.endMs > t.startMs, 'endMs must be after startMs')
    .refine((t) => t.endMs - t.startMs <= MAX_CUE_DURATION_MS, `a cue lasts at most ${MAX_CUE_DURATION_MS} ms`);
}

/**
 * One cue read from a WebVTT file (times from the file's start): the same text and time limits as
 * a desk's or a provider's cue, so no path stores what the others refuse.
 */
export const FileCue = checkCueTimes(
  z.strictObject({
    startMs: z.number().int().nonnegative(),
    endMs: z.number().int().nonnegative(),
    text: CueText,
  }),
);
export type FileCue = z.infer<typeof FileCue>;

/**
 * One cue from an external provider (HTTP or socket ingest), identified by the provider's id.
 * Strict: a field it does not know is refused (INVALID_REQUEST), not silently dropped; the times
 * are checked on the one object (an intersection with a loose times object let unknown keys through).
 */
export const IngestCue = checkCueTimes(
  z.strictObject({
    /** The provider's id: sending it again is a no-op, or a correction when the text or times differ. */
    id: z.string().min(1).max(100),
    language: Language,
    startMs: z.number().int().nonnegative(),
    endMs: z.number().int().nonnegative(),
    text: CueText,
  }),
);
export type IngestCue = z.infer<typeof IngestCue>;

/** At most this many cues in one ingest batch. */
export const MAX_INGEST_BATCH = 100;

/** What happened to one cue of an ingest batch. */
export interface IngestResult {
  /** The provider's id. */
  id: string;
  cueId: string;
  revision: number;
  outcome: 'created' | 'corrected' | 'unchanged';
}
