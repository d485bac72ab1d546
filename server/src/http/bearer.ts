import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Grant, Operation, ViewerAccess } from '@hybrid-stage/shared';
import { tokenKey, type AccessTokens } from '../access/AccessTokens';
import { assertMay } from '../access/permissions';
import { AppError } from '../errors';

/** The token of `Authorization: Bearer <token>`, if the request sends one. */
function sentToken(req: Request): string | undefined {
  return /^Bearer (\S{1,4096})$/.exec(req.get('authorization') ?? '')?.[1];
}

/** The grant of `Authorization: Bearer <token>`: UNAUTHORIZED without a valid one. */
async function tokenGrant(req: Request, access: AccessTokens): Promise<Grant> {
  const sent = sentToken(req);
  if (!sent) throw new AppError('UNAUTHORIZED', 'send an access token as "Authorization: Bearer <token>"');
  return access.verify(sent);
}

/**
 * The caller's grant for `operation`, from `Authorization: Bearer <token>`: UNAUTHORIZED without a
 * valid token, FORBIDDEN when the operation table does not allow its role (the same table as the socket's).
 */
export async function bearerGrant(req: Request, access: AccessTokens, operation: Operation): Promise<Grant> {
  const grant = await tokenGrant(req, access);
  assertMay(grant, operation);
  return grant;
}

/**
 * The caller's grant for a viewer action (a comment, a gift): its bearer token's, or an anonymous
 * viewer's when it sends none, which REGISTRATION_REQUIRED refuses when the event asks viewers to register.
 */
export async function viewerGrant(req: Request, access: AccessTokens, viewers: ViewerAccess): Promise<Grant> {
  if (req.get('authorization')) return tokenGrant(req, access);
  if (viewers === 'registered') throw new AppError('REGISTRATION_REQUIRED', 'this event asks viewers to register first');
  return { role: 'viewer' };
}

/** Which token a request carries, as its {@link tokenKey} (for limits per token). Undefined without a bearer token. */
export function bearerKey(req: Request): string | undefined {
  const sent = sentToken(req);
  return sent && tokenKey(sent);
}

/** Whether `Authorization: Bearer <token>` carries exactly `expected` (compared in constant time). */
export function bearerMatches(req: Request, expected: string): boolean {
  const sent = sentToken(req);
  if (!sent) return false;
  // Hashed first, so the comparison's time says nothing about the token's length either.
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}
