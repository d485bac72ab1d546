// The server's side of the shared permission rules (`@hybrid-stage/shared`'s permissions): each
// assertion asks the shared predicate and refuses with a stable code, on the socket and over HTTP.
import {
  inviteRefusal,
  mayCaption,
  mayManageStand,
  mayPublishIn,
  mayWatchFeedOf,
  operationRefusal,
  type Grant,
  type Operation,
  type RequestName,
  type Role,
  type ViewerAccess,
} from '@hybrid-stage/shared';
import { AppError } from '../errors';

/** Throws FORBIDDEN unless `grant`'s role may ask for `operation` (a socket request or an HTTP route's). */
export function assertMay(grant: Grant, operation: Operation): void {
  const refusal = operationRefusal(grant, operation);
  if (refusal) throw new AppError('FORBIDDEN', refusal);
}

/** Throws FORBIDDEN unless `grant` may mint an invite link for `role`. */
export function assertMayInvite(grant: Grant, role: Role, hours?: number): void {
  const refusal = inviteRefusal(grant, role, hours);
  if (refusal) throw new AppError('FORBIDDEN', refusal);
}

/** What a client without a token may still ask when the event asks viewers to register: the event, to show the form. */
const BEFORE_REGISTERING: readonly RequestName[] = ['event:get'];

/** Throws REGISTRATION_REQUIRED when the event asks viewers to register and a client without a token asks for more than the event. */
export function assertRegisteredIfAsked(viewers: ViewerAccess, hasToken: boolean, request: RequestName): void {
  if (viewers === 'registered' && !hasToken && !BEFORE_REGISTERING.includes(request)) {
    throw new AppError('REGISTRATION_REQUIRED', `${request}: this event asks viewers to register first`);
  }
}

/** Throws FORBIDDEN unless `grant` may publish into (or manage the ingests of) `studioId`. */
export function assertMayPublishIn(grant: Grant, studioId: string): void {
  if (!mayPublishIn(grant, studioId)) {
    throw new AppError('FORBIDDEN', `this link publishes into studio ${grant.studioId ?? '(none)'}, not ${studioId}`);
  }
}

/** Throws FORBIDDEN unless `grant` may watch the raw feeds of `studioId`. */
export function assertMayWatchFeedOf(grant: Grant, studioId: string): void {
  if (!mayWatchFeedOf(grant, studioId)) {
    throw new AppError('FORBIDDEN', `this link watches the feeds of studio ${grant.studioId ?? '(none)'}, not ${studioId}; the program is for everyone`);
  }
}

/** Throws FORBIDDEN unless `grant` may write captions on `channelId` in `language`. */
export function assertMayCaption(grant: Grant, channelId: string, language: string): void {
  if (!mayCaption(grant, channelId, language)) throw new AppError('FORBIDDEN', `this link does not caption ${channelId} in ${language}`);
}

/** Throws FORBIDDEN unless `grant` may edit `standId` and moderate its comments. */
export function assertMayManageStand(grant: Grant, standId: string): void {
  if (!mayManageStand(grant, standId)) throw new AppError('FORBIDDEN', `only the exhibitor of stand ${standId} or an admin may do this`);
}
