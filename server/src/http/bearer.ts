import type { Request } from 'express';
import { Role, type Grant, type ViewerAccess } from '@hybrid-stage/shared';
import type { AccessTokens } from '../access/AccessTokens';
import { AppError } from '../errors';

/** Reads `Authorization: Bearer <token>`: UNAUTHORIZED without a valid one, FORBIDDEN for other roles. */
export async function bearerGrant(req: Request, access: AccessTokens, roles: readonly Role[]): Promise<Grant> {
  const match = /^Bearer (\S{1,4096})$/.exec(req.get('authorization') ?? '');
  if (!match) throw new AppError('UNAUTHORIZED', 'send an access token as "Authorization: Bearer <token>"');
  const grant = await access.verify(match[1]!);
  if (!roles.includes(grant.role)) throw new AppError('FORBIDDEN', `this needs one of these roles: ${roles.join(', ')} (you are ${grant.role})`);
  return grant;
}

/**
 * The caller's grant for a viewer action (a comment, a gift): its bearer token's, or an anonymous
 * viewer's when it sends none, which REGISTRATION_REQUIRED refuses when the event asks viewers to register.
 */
export async function viewerGrant(req: Request, access: AccessTokens, viewers: ViewerAccess): Promise<Grant> {
  if (req.get('authorization')) return bearerGrant(req, access, Role.options);
  if (viewers === 'registered') throw new AppError('REGISTRATION_REQUIRED', 'this event asks viewers to register first');
  return { role: 'viewer' };
}
