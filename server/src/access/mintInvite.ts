import { DEFAULT_INVITE_HOURS, type Grant } from '@hybrid-stage/shared';
import type { AccessTokens } from './AccessTokens';
import { invitePath } from './invitePath';

/** A signed token for `grant`, the invite link's path that carries it, and when it stops working. */
export async function mintInvite(access: AccessTokens, grant: Grant, hours = DEFAULT_INVITE_HOURS[grant.role]): Promise<{ token: string; path: string; expiresAt: string }> {
  const token = await access.mint(grant, `${hours}h`);
  return { token, path: invitePath(grant, token), expiresAt: new Date(Date.now() + hours * 3_600_000).toISOString() };
}
