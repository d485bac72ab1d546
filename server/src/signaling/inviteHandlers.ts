import type { Grant } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { inviteGrant, type InviteScopes } from '../access/inviteGrant';
import { mintInvite } from '../access/mintInvite';
import { assertMayInvite } from '../access/permissions';
import type { Handlers } from './handlers';

/**
 * Signed invite links: producers invite viewers, guests, studio operators and captioners (the
 * console's Invite panel); admins invite every role (the admin page). The scope must exist.
 */
export function inviteHandlers(grant: Grant, scopes: InviteScopes, access: AccessTokens): Handlers<'invite:create'> {
  return {
    'invite:create': async (request) => {
      assertMayInvite(grant, request.role, request.hours);
      const { path, expiresAt } = await mintInvite(access, await inviteGrant(request, scopes), request.hours);
      return { path, expiresAt };
    },
  };
}
