/**
 * The shared words and limits the client needs at run time, without zod: the client imports values
 * only from `@hybrid-stage/shared/vocabulary` (and types from `@hybrid-stage/shared`), so the
 * protocol's schemas stay out of the viewer's first download.
 */

/** Bumped whenever a message changes shape; a client with another version is told to reload. */
export const PROTOCOL_VERSION = 4;

/** What a person may do, carried in their access token (see `permissions.ts` for what each may do). */
export const ROLES = ['viewer', 'studio', 'guest', 'producer', 'captioner', 'exhibitor', 'admin'] as const;

/** The id of the JSON block the server writes into the app's page (`ServedPage`). */
export const SERVED_PAGE_ID = 'hybrid-stage-page';

/** The caption (and UI) languages, English first: BCP 47 primary tags. */
export const LANGUAGES = ['en', 'ja', 'zh', 'ko', 'ru', 'ar', 'es', 'pt', 'de', 'fr', 'it', 'tr'] as const;

/** Each language's name in itself, for pickers. */
export const LANGUAGE_NAMES: Record<(typeof LANGUAGES)[number], string> = {
  en: 'English',
  ja: '日本語',
  zh: '中文',
  ko: '한국어',
  ru: 'Русский',
  ar: 'العربية',
  es: 'Español',
  pt: 'Português',
  de: 'Deutsch',
  fr: 'Français',
  it: 'Italiano',
  tr: 'Türkçe',
};

/** Languages written right to left. */
export const RTL_LANGUAGES: ReadonlySet<(typeof LANGUAGES)[number]> = new Set(['ar']);

/** Longest cue text, in characters: two lines of subtitles with room to spare. */
export const MAX_CUE_TEXT = 500;
/** Longest cue, in milliseconds. */
export const MAX_CUE_DURATION_MS = 30_000;
/** Most cues in one WebVTT file (a session's or a film's): four hours at a cue every three seconds. */
export const MAX_VTT_CUES = 5000;

/** The regions exhibitors' teams cover. */
export const REGIONS = ['europe', 'middle-east', 'africa-turkey', 'asia-pacific', 'americas', 'cis'] as const;

/** Each region's name as people read it. */
export const REGION_NAMES: Record<(typeof REGIONS)[number], string> = {
  europe: 'Europe',
  'middle-east': 'Middle East',
  'africa-turkey': 'Africa & Turkey',
  'asia-pacific': 'Asia Pacific',
  americas: 'Americas',
  cis: 'CIS',
};

/** Longest comment, in characters. */
export const MAX_COMMENT_TEXT = 1000;
/** Longest name a commenter may give. */
export const MAX_COMMENT_AUTHOR = 40;
/** Most gifts one stand may hand out. */
export const MAX_GIFT_STOCK = 100_000;

/** The shape of a visitor id the server issued: 16 random characters, a dot, 22 of signature (base64url). */
export const ISSUED_VISITOR_ID = /^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}$/;
