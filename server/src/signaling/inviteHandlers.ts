import type { Grant, Revocations, RevokedLink, RoleRevocation } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { inviteGrant, type InviteScopes } from '../access/inviteGrant';
import { mintInvite } from '../access/mintInvite';
import { assertMayInvite } from '../access/permissions';
import type { RevocationList } from '../access/RevocationList';
import { AppError } from '../errors';
import type { Handlers } from './handlers';

/** What a revocation ends besides the link: the connections made with it (SignalingServer). */
export interface RevocationEffects {
  linkRevoked(link: RevokedLink): void;
  roleRevoked(revocation: RoleRevocation): void;
}

/** The token in what an admin pastes: an invite link (its `token=` query) or the token itself. */
export function tokenOf(link: string): string {
  const text = link.trim();
  if (text.includes('token=')) {
    try {
      const token = new URL(text, 'http://invite.invalid').searchParams.get('token');
      if (token) return token;
    } catch {
      // Not a URL after all: taken as a token, which verify refuses if it is not one.
    }
  }
  if (!/^[A-Za-z0-9._-]+$/.test(text)) throw new AppError('INVALID_REQUEST', 'paste an invite link or its token');
  return text;
}

/**
 * Signed invite links: producers invite viewers, guests, studio operators and captioners (the
 * console's Invite panel); admins invite every role (the admin page) and manage the revocation list
 * (one link, or every link of a role made so far). The scope must exist.
 */
export function inviteHandlers(
  grant: Grant,
  scopes: InviteScopes,
  access: AccessTokens,
  revocations: RevocationList,
  effects: RevocationEffects,
): Handlers<'invite:create' | 'invite:revoke' | 'invite:revokeRole' | 'invite:revocations'> {
  return {
    'invite:create': async (request) => {
      assertMayInvite(grant, request.role, request.hours);
      const { path, expiresAt } = await mintInvite(access, await inviteGrant(request, scopes), request.hours);
      return { path, expiresAt };
    },
    'invite:revoke': async ({ link }) => {
      const revoked = await revocations.revokeLink(await access.describe(tokenOf(link)));
      effects.linkRevoked(revoked);
      return revoked;
    },
    'invite:revokeRole': async ({ role }) => {
      const revoked = await revocations.revokeRole(role);
      effects.roleRevoked(revoked);
      return revoked;
    },
    'invite:revocations': async (): Promise<Revocations> => revocations.list(),
  };
}
