import { Role, type Grant, type RequestName, type ViewerAccess } from '@hybrid-stage/shared';
import { AppError } from '../errors';
import { DEFAULT_INVITE_HOURS } from './mintInvite';

const EVERYONE = 'everyone';

/**
 * Who may send each request. The signaling layer checks this before any handler runs, so a request
 * without an entry here cannot be added by accident: the type demands one for every request name.
 */
export const REQUEST_ROLES: Record<RequestName, readonly Role[] | typeof EVERYONE> = {
  'event:get': EVERYONE,
  'media:capabilities': EVERYONE,
  'transport:create': EVERYONE,
  'transport:connect': EVERYONE,
  'transport:restartIce': EVERYONE,
  'consumer:resume': EVERYONE,
  'consumer:close': EVERYONE,
  'feed:consume': ['studio', 'guest', 'producer', 'admin'],
  'feed:open': ['studio', 'guest', 'producer', 'admin'],
  'feed:produce': ['studio', 'guest', 'producer', 'admin'],
  'feed:close': ['studio', 'guest', 'producer', 'admin'],
  'ingest:create': ['studio', 'producer', 'admin'],
  'ingest:list': ['studio', 'producer', 'admin'],
  'ingest:close': ['studio', 'producer', 'admin'],
  'invite:create': ['producer', 'admin'],
  'captions:join': EVERYONE,
  'captions:leave': EVERYONE,
  'captions:drafts': ['captioner', 'producer', 'admin'],
  'captions:commit': ['captioner', 'producer', 'admin'],
  'captions:correct': ['captioner', 'producer', 'admin'],
  'captions:accept': ['captioner', 'producer', 'admin'],
  'captions:ingest': ['captioner', 'producer', 'admin'],
  'program:consume': EVERYONE,
  'program:preview': ['producer', 'admin'],
  'program:take': ['producer', 'admin'],
  'program:backup': ['producer', 'admin'],
  'exhibition:enter': EVERYONE,
  'stand:join': EVERYONE,
  'stand:leave': EVERYONE,
  'recording:start': ['producer', 'admin'],
  'recording:stop': ['producer', 'admin'],
  'recording:list': ['producer', 'admin'],
  'recording:delete': ['producer', 'admin'],
  'rerun:create': ['producer', 'admin'],
  'rerun:update': ['producer', 'admin'],
  'rerun:delete': ['producer', 'admin'],
};

/** Throws FORBIDDEN unless `grant` may send `request`. */
export function assertMayRequest(grant: Grant, request: RequestName): void {
  const roles = REQUEST_ROLES[request];
  if (roles !== EVERYONE && !roles.includes(grant.role)) {
    throw new AppError('FORBIDDEN', `${request} needs one of these roles: ${roles.join(', ')} (you are ${grant.role})`);
  }
}

/** Which roles each role may invite: producers their crew and viewers, admins everyone. */
const INVITES: Partial<Record<Role, readonly Role[]>> = {
  producer: ['viewer', 'guest', 'studio', 'captioner'],
  admin: Role.options,
};

/** Throws FORBIDDEN unless `grant` may mint an invite link for `role`. */
export function assertMayInvite(grant: Grant, role: Role, hours?: number): void {
  if (!INVITES[grant.role]?.includes(role)) throw new AppError('FORBIDDEN', `a ${grant.role} may not invite a ${role}`);
  // Links cannot be taken back (short of a new signing key): only an admin makes one outlive the role's usual lifetime.
  const usual = DEFAULT_INVITE_HOURS[role];
  if (grant.role !== 'admin' && hours !== undefined && hours > usual) {
    throw new AppError('FORBIDDEN', `a ${grant.role} may invite a ${role} for at most ${usual} hours`);
  }
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
  if (grant.role !== 'producer' && grant.role !== 'admin' && grant.studioId !== studioId) {
    throw new AppError('FORBIDDEN', `this link publishes into studio ${grant.studioId ?? '(none)'}, not ${studioId}`);
  }
}

/** Whether `grant` sees producer-only broadcasts (feed health, alerts). */
export function isProducer(grant: Grant): boolean {
  return grant.role === 'producer' || grant.role === 'admin';
}

/** Throws FORBIDDEN unless `grant` may write captions on `channelId` in `language`. */
export function assertMayCaption(grant: Grant, channelId: string, language: string): void {
  if (grant.role === 'producer' || grant.role === 'admin') return;
  if (grant.role !== 'captioner' || grant.channelId !== channelId || !grant.languages?.includes(language)) {
    throw new AppError('FORBIDDEN', `this link does not caption ${channelId} in ${language}`);
  }
}

/** Whether `grant` may edit `standId` and moderate its comments: its exhibitor, or an admin. */
export function mayManageStand(grant: Grant, standId: string): boolean {
  return grant.role === 'admin' || (grant.role === 'exhibitor' && grant.standId === standId);
}

/** Throws FORBIDDEN unless `grant` may edit `standId` and moderate its comments. */
export function assertMayManageStand(grant: Grant, standId: string): void {
  if (!mayManageStand(grant, standId)) throw new AppError('FORBIDDEN', `only the exhibitor of stand ${standId} or an admin may do this`);
}
