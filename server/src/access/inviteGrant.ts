import type { Grant, RequestOf } from '@hybrid-stage/shared';
import { NotFoundError } from '../errors';

/** Where invite links may point: the event's studios and channels, and the exhibition's stands. */
export interface InviteScopes {
  studioIds: readonly string[];
  channelIds: readonly string[];
  /** Whether a stand exists (a database read on the server). */
  hasStand(standId: string): boolean | Promise<boolean>;
}

/**
 * The grant an invite carries, once its scope is known to exist (NOT_FOUND otherwise). The one way
 * invites are scoped, for the console, the admin page and `npm run invite`.
 */
export async function inviteGrant(request: RequestOf<'invite:create'>, scopes: InviteScopes): Promise<Grant> {
  switch (request.role) {
    case 'viewer':
    case 'producer':
    case 'admin':
      return { role: request.role };
    case 'guest':
    case 'studio':
      if (!scopes.studioIds.includes(request.studioId)) throw new NotFoundError('studio', request.studioId);
      return { role: request.role, studioId: request.studioId };
    case 'captioner':
      if (!scopes.channelIds.includes(request.channelId)) throw new NotFoundError('channel', request.channelId);
      return { role: 'captioner', channelId: request.channelId, languages: [...new Set(request.languages)] };
    case 'exhibitor':
      if (!(await scopes.hasStand(request.standId))) throw new NotFoundError('stand', request.standId);
      return { role: 'exhibitor', standId: request.standId };
  }
}
