import type { TFunction } from 'i18next';
import type { ErrorCode } from '@hybrid-stage/shared';
import { ApiError } from './exhibitionApi';

/** The exhibition's text for each refusal code; the server's own words follow where they say what to fix. */
const KEYS: Partial<Record<ErrorCode, string>> = {
  INVALID_REQUEST: 'errors.invalid',
  INVALID_STATE: 'errors.conflict',
  NOT_FOUND: 'errors.notFound',
  UNAUTHORIZED: 'errors.unauthorized',
  FORBIDDEN: 'errors.forbidden',
  RATE_LIMITED: 'errors.rateLimited',
};

/**
 * A failed exhibition call as a sentence in the UI language: by its stable code (the server's
 * message, which names the field or the limit, is kept as the detail), or "cannot reach the server"
 * when the request never got an answer.
 */
export function errorText(t: TFunction<'exhibition'>, error: unknown): string {
  if (!(error instanceof ApiError)) return t('errors.network');
  // The server's English detail is isolated, so it reads right inside a right-to-left sentence.
  return t(KEYS[error.code] ?? 'errors.internal', { detail: `\u2068${error.message}\u2069` });
}
