import type { FilmInfo, ExhibitionAnalytics, GiftVoucher, NewComment, NewStand, StandComment, StandContent, StandInfo, StandPlacement } from '@hybrid-stage/shared';
import { sendJson } from '../../http/api';
import { RequestError } from '../../signaling/SignalingClient';

const VISITOR_KEY = 'hybrid-stage.visitor';

/** This browser's visitor id: made once, kept in localStorage, sent with comments and gift claims. */
export function visitorId(): string {
  let id = localStorage.getItem(VISITOR_KEY);
  if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
    id = crypto.randomUUID();
    localStorage.setItem(VISITOR_KEY, id);
  }
  return id;
}

/** An exhibition route under `/api`, with this browser's visitor id beside the tab's token. */
function call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return sendJson<T>(method, `/api${path}`, body, { 'x-visitor-id': visitorId() });
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
  postComment: (id: string, comment: NewComment) => call<StandComment>('POST', `${stand(id)}/comments`, comment),
  moderateComment: (id: string, commentId: string, hidden: boolean) => call<StandComment>('PATCH', `${stand(id)}/comments/${encodeURIComponent(commentId)}`, { hidden }),
  deleteComment: (id: string, commentId: string) => call<void>('DELETE', `${stand(id)}/comments/${encodeURIComponent(commentId)}`),
  /** The visitor's voucher, or undefined before they claimed one. */
  myGift: (id: string) => call<GiftVoucher>('GET', `${stand(id)}/gift`).catch((e: unknown) => (e instanceof RequestError && e.code === 'NOT_FOUND' ? undefined : Promise.reject(e))),
  claimGift: (id: string) => call<GiftVoucher>('POST', `${stand(id)}/gift`),
  analytics: () => call<ExhibitionAnalytics>('GET', '/exhibition/analytics'),
  /** The cinema's films. */
  films: () => call<FilmInfo[]>('GET', '/films'),
};
