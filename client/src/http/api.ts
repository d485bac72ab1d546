import type { ErrorCode, WireError } from '@hybrid-stage/shared';
import { currentAccessToken } from '../signaling/accessToken';
import { NoAnswerError, RequestError } from '../signaling/SignalingClient';

/** Extra request headers (the exhibition's visitor id). */
type ApiHeaders = Record<string, string>;

/**
 * The error a refused HTTP request rejects with: the body's protocol error (`{ error: { code, message } }`,
 * the same as a socket acknowledgement's) as a {@link RequestError}; a body without one (a proxy's page,
 * a cut connection) is `INTERNAL` with the status.
 */
export function decodeHttpError(status: number, body: unknown): RequestError {
  const error = (body as { error?: Partial<WireError> } | null | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') return new RequestError(error.code as ErrorCode, error.message);
  return new RequestError('INTERNAL', `HTTP ${status}`);
}

/**
 * The browser's one way to call the server's HTTP API: the tab's access token as a bearer token
 * (when it has one), a JSON body, and one decoding of refusals, so a panel shows an HTTP failure
 * exactly as a socket one (`requestErrorText`). Resolves with the response when it is 2xx; rejects
 * with a {@link RequestError}, or a {@link NoAnswerError} when the server could not be reached.
 */
async function apiFetch(method: string, path: string, body?: unknown, headers: ApiHeaders = {}): Promise<Response> {
  const sent: ApiHeaders = { ...headers };
  const token = currentAccessToken();
  if (token) sent.authorization = `Bearer ${token}`;
  if (body !== undefined) sent['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new NoAnswerError(`${method} ${path}`);
  }
  if (!res.ok) throw decodeHttpError(res.status, await res.json().catch(() => undefined));
  return res;
}

/** Sends `body` (if any) as JSON and resolves with the JSON answer (undefined for 204 No Content). */
export async function sendJson<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, headers?: ApiHeaders): Promise<T> {
  const res = await apiFetch(method, path, body, headers);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** GETs `path` and resolves with its JSON. */
export function getJson<T>(path: string, headers?: ApiHeaders): Promise<T> {
  return sendJson<T>('GET', path, undefined, headers);
}

/** POSTs `body` as JSON to `path` and resolves with the JSON answer. */
export function postJson<T>(path: string, body: unknown, headers?: ApiHeaders): Promise<T> {
  return sendJson<T>('POST', path, body, headers);
}

/** GETs `path` as a file (a CSV export). */
export async function getBlob(path: string): Promise<Blob> {
  return (await apiFetch('GET', path)).blob();
}
