import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ErrorCode } from '@hybrid-stage/shared';
import { RequestError } from './SignalingClient';

/** The text for each refusal code, in the `common` namespace; the server's own words follow where they say what to fix. */
const KEYS: Partial<Record<ErrorCode, string>> = {
  INVALID_REQUEST: 'errors.invalid',
  INVALID_STATE: 'errors.conflict',
  NOT_FOUND: 'errors.notFound',
  UNAUTHORIZED: 'errors.unauthorized',
  FORBIDDEN: 'errors.forbidden',
  RATE_LIMITED: 'errors.rateLimited',
  REGISTRATION_REQUIRED: 'errors.registrationRequired',
  SERVER_FULL: 'errors.serverFull',
  DISK_FULL: 'errors.diskFull',
  ORIGIN_ONLY: 'errors.originOnly',
  NODE_FULL: 'errors.nodeFull',
  PROTOCOL_MISMATCH: 'connection.reload',
};

/**
 * A refused request (over the socket or HTTP) as a sentence in the UI language: by its stable code (the server's
 * message, which names the field or the state, is kept as the detail), or "no answer" when the
 * server never acknowledged it.
 */
export function requestErrorText(t: TFunction, error: unknown): string {
  if (!(error instanceof RequestError)) return t('errors.noAnswer', { ns: 'common' });
  // The server's English detail is isolated, so it reads right inside a right-to-left sentence.
  return t(KEYS[error.code] ?? 'errors.internal', { ns: 'common', detail: `\u2068${error.message}\u2069` });
}

/** What {@link useRequestError} gives a panel. */
export interface RequestErrorState {
  /** The last request's failure in the UI language, or undefined while all went well. */
  error: string | undefined;
  /** Clears the shown failure and shows this work's, if it fails (a request, or a request with `.then` steps). */
  run(work: Promise<unknown>): void;
}

/** The one way a panel shows its requests' failures: `run(signaling.request(…))`, then `{error && <p role="alert">…}`. */
export function useRequestError(): RequestErrorState {
  const { t } = useTranslation('common');
  // The failure itself is kept, so its text follows a change of UI language.
  const [failure, setFailure] = useState<{ error: unknown }>();
  const run = useCallback((work: Promise<unknown>) => {
    setFailure(undefined);
    work.catch((error: unknown) => setFailure({ error }));
  }, []);
  return { error: failure && requestErrorText(t, failure.error), run };
}
