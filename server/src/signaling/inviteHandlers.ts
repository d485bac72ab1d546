import type { Grant } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { mintInvite } from '../access/mintInvite';
import { assertMayInvite } from '../access/permissions';
import { NotFoundError } from '../errors';
import type { StandStore } from '../exhibition/StandStore';
import type { FeedRegistry } from '../studios/FeedRegistry';
import type { Handlers } from './handlers';

/** Where invite links may point: the event's studios and channels, and the exhibition's stands. */
export interface InviteScopes {
  feeds: FeedRegistry;
  channelIds: ReadonlySet<string>;
  stands: StandStore;
}

/**
 * Signed invite links: producers invite viewers, guests, studio operators and captioners (the
 * console's Invite panel); admins invite every role (the admin page). The scope must exist.
 */
export function inviteHandlers(grant: Grant, { feeds, channelIds, stands }: InviteScopes, access: AccessTokens): Handlers<'invite:create'> {
  return {
    'invite:create': async (request) => {
      assertMayInvite(grant, request.role, request.hours);
      let invited: Grant;
      switch (request.role) {
        case 'viewer':
        case 'producer':
        case 'admin':
          invited = { role: request.role };
          break;
        case 'guest':
        case 'studio':
          if (!feeds.studios.some((s) => s.id === request.studioId)) throw new NotFoundError('studio', request.studioId);
          invited = { role: request.role, studioId: request.studioId };
          break;
        case 'captioner':
          if (!channelIds.has(request.channelId)) throw new NotFoundError('channel', request.channelId);
          invited = { role: 'captioner', channelId: request.channelId, languages: [...new Set(request.languages)] };
          break;
        case 'exhibitor':
          if (!stands.has(request.standId)) throw new NotFoundError('stand', request.standId);
          invited = { role: 'exhibitor', standId: request.standId };
          break;
      }
      return mintInvite(access, invited, request.hours);
    },
  };
}
