import type {
  FilmInfo,
  ExhibitionAnalytics,
  GiftVoucher,
  IssuedVisitorId,
  NewComment,
  NewStand,
  StandComment,
  StandContent,
  StandInfo,
  StandPlacement,
} from '@hybrid-stage/shared';
import { ISSUED_VISITOR_ID } from '@hybrid-stage/shared/vocabulary';
import { sendJson } from '../../http/api';
import { RequestError } from '../../signaling/SignalingClient';

const VISITOR_KEY = 'hybrid-stage.visitor';
let issuing: Promise<string> | undefined;

/**
 * This browser's visitor id, as the server issued and signed it (a made-up one is refused): asked
 * for once (`POST /api/visitors`), then kept in localStorage. Concurrent callers share one request.
 */
export function visitorId(): Promise<string> {
  const kept = localStorage.getItem(VISITOR_KEY);
  if (kept && ISSUED_VISITOR_ID.test(kept)) return Promise.resolve(kept);
  issuing ??= sendJson<IssuedVisitorId>('POST', '/api/visitors')
    .then(({ visitorId: id }) => {
      localStorage.setItem(VISITOR_KEY, id);
      return id;
    })
    .finally(() => (issuing = undefined));
  return issuing;
}

/**
 * Runs `work` with this browser's visitor id; when the server no longer takes it (INVALID_VISITOR:
 * an id from before ids were signed, or from a server with another key) forgets it and runs `work`
 * once more with a new one.
 */
export async function asVisitor<T>(work: (visitorId: string) => Promise<T>): Promise<T> {
  const id = await visitorId();
  try {
    return await work(id);
  } catch (error) {
    if (!(error instanceof RequestError && error.code === 'INVALID_VISITOR')) throw error;
    if (localStorage.getItem(VISITOR_KEY) === id) localStorage.removeItem(VISITOR_KEY);
    return work(await visitorId());
  }
}

/** An exhibition route under `/api` with the tab's token (if any). */
function call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return sendJson<T>(method, `/api${path}`, body);
}

/** An exhibition route that acts as this browser's visitor (comments, gifts): its visitor id beside the tab's token. */
function callAsVisitor<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  return asVisitor((id) => sendJson<T>(method, `/api${path}`, body, { 'x-visitor-id': id }));
}

const stand = (id: string) => `/stands/${encodeURIComponent(id)}`;

/** The exhibition's HTTP API, as the visitor (and their token, if any) calls it. */
export const exhibitionApi = {
  stands: () => call<StandInfo[]>('GET', '/stands'),
  stand: (id: string) => call<StandInfo>('GET', stand(id)),
  addStand: (body: NewStand) => call<StandInfo>('POST', '/stands', body),
  updateStand: (id: string, content: StandContent) => call<StandInfo>('PUT', stand(id), content),
  placeStand: (id: string, placement: StandPlacement) => call<StandInfo>('PUT', `${stand(id)}/placement`, placement),
  comments: (id: string) => call<StandComment[]>('GET', `${stand(id)}/comments`),
  postComment: (id: string, comment: NewComment) => callAsVisitor<StandComment>('POST', `${stand(id)}/comments`, comment),
  moderateComment: (id: string, commentId: string, hidden: boolean) => call<StandComment>('PATCH', `${stand(id)}/comments/${encodeURIComponent(commentId)}`, { hidden }),
  deleteComment: (id: string, commentId: string) => call<void>('DELETE', `${stand(id)}/comments/${encodeURIComponent(commentId)}`),
  /** The visitor's voucher, or undefined before they claimed one. */
  myGift: (id: string) => callAsVisitor<GiftVoucher>('GET', `${stand(id)}/gift`).catch((e: unknown) => (e instanceof RequestError && e.code === 'NOT_FOUND' ? undefined : Promise.reject(e))),
  claimGift: (id: string) => callAsVisitor<GiftVoucher>('POST', `${stand(id)}/gift`),
  analytics: () => call<ExhibitionAnalytics>('GET', '/exhibition/analytics'),
  /** The cinema's films. */
  films: () => call<FilmInfo[]>('GET', '/films'),
};
