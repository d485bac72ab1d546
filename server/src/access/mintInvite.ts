import type { Grant, Role } from '@hybrid-stage/shared';
import type { AccessTokens } from './AccessTokens';
import { invitePath } from './invitePath';

/** How long an invite link works unless told otherwise: a guest's for a rehearsal and the show, the others a month. */
export const DEFAULT_INVITE_HOURS: Record<Role, number> = {
  viewer: 30 * 24,
  studio: 30 * 24,
  guest: 48,
  producer: 30 * 24,
  captioner: 30 * 24,
  exhibitor: 30 * 24,
  admin: 30 * 24,
};

/** A signed token for `grant`, the invite link's path that carries it, and when it stops working. */
export async function mintInvite(access: AccessTokens, grant: Grant, hours = DEFAULT_INVITE_HOURS[grant.role]): Promise<{ token: string; path: string; expiresAt: string }> {
  const token = await access.mint(grant, `${hours}h`);
  return { token, path: invitePath(grant, token), expiresAt: new Date(Date.now() + hours * 3_600_000).toISOString() };
}
