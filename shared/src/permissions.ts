/**
 * Who may do what: one table of operations (every socket request, and what only the HTTP API
 * does) with the roles allowed each, and the scope rules as pure functions of a grant. The server
 * refuses by them on both transports; the client asks the same ones to decide what to show.
 * Values here are plain data and functions (types alone from the protocol), so the client may import
 * `@hybrid-stage/shared/permissions` without pulling zod into its first download.
 */
import type { Grant, Role } from './domain';
import type { RequestName } from './protocol';
import { ROLES } from './vocabulary';

/** An operation anyone may ask for: anonymous viewers included. */
export const EVERYONE = 'everyone';

/** Who may ask for an operation. */
export type Allowed = readonly Role[] | typeof EVERYONE;

const PRODUCERS = ['producer', 'admin'] as const;
/** Who publishes into a studio (a guest from home, too); which studio is {@link mayPublishIn}'s call. */
const PUBLISHERS = ['studio', 'guest', 'producer', 'admin'] as const;
/** Who manages a studio's ingest endpoints: not a guest. */
const STUDIO_CREW = ['studio', 'producer', 'admin'] as const;
/** Who writes captions; which channel and languages is {@link mayCaption}'s call. */
const CAPTIONERS = ['captioner', 'producer', 'admin'] as const;
/** Who manages a stand; which stand is {@link mayManageStand}'s call. */
const STAND_MANAGERS = ['exhibitor', 'admin'] as const;
const ADMINS = ['admin'] as const;

/**
 * Every operation and who may ask for it. The socket requests are all here (the type demands an
 * entry for each, so a request cannot be added without one); the HTTP routes name theirs. An
 * operation both transports offer (creating an ingest, stopping a recording) has one entry.
 */
export const OPERATIONS = {
  // Socket requests (some also over HTTP).
  'event:get': EVERYONE,
  'media:capabilities': EVERYONE,
  'transport:create': EVERYONE,
  'transport:connect': EVERYONE,
  'transport:restartIce': EVERYONE,
  'consumer:resume': EVERYONE,
  'consumer:close': EVERYONE,
  /** A feed's raw, off-air picture: any for producers; a studio's crew and guests their own studio's ({@link mayWatchFeedOf}). */
  'feed:consume': PUBLISHERS,
  'feed:open': PUBLISHERS,
  'feed:produce': PUBLISHERS,
  'feed:close': PUBLISHERS,
  'ingest:create': STUDIO_CREW,
  'ingest:list': STUDIO_CREW,
  'ingest:close': STUDIO_CREW,
  'invite:create': PRODUCERS,
  /** The revocation list: the admin page's. */
  'invite:revoke': ADMINS,
  'invite:revokeRole': ADMINS,
  'invite:revocations': ADMINS,
  'captions:join': EVERYONE,
  'captions:leave': EVERYONE,
  'captions:drafts': CAPTIONERS,
  'captions:commit': CAPTIONERS,
  'captions:correct': CAPTIONERS,
  'captions:accept': CAPTIONERS,
  'captions:ingest': CAPTIONERS,
  'captions:coverage': PRODUCERS,
  'program:consume': EVERYONE,
  'program:preview': PRODUCERS,
  'program:take': PRODUCERS,
  'program:backup': PRODUCERS,
  'exhibition:enter': EVERYONE,
  'stand:join': EVERYONE,
  'stand:leave': EVERYONE,
  'recording:start': PRODUCERS,
  'recording:stop': PRODUCERS,
  'recording:list': PRODUCERS,
  'recording:delete': PRODUCERS,
  'rerun:create': PRODUCERS,
  'rerun:plan': PRODUCERS,
  'rerun:update': PRODUCERS,
  'rerun:delete': PRODUCERS,
  // HTTP only.
  /** PUT a session's captions as a WebVTT file. */
  'captions:import': CAPTIONERS,
  /** GET a recording's WebM file. */
  'recording:download': PRODUCERS,
  /** Watch a recording over HLS (packaged on the first request). */
  'recording:watch': PRODUCERS,
  /** Upload a film's video or caption track, set its details, delete it. */
  'film:manage': PRODUCERS,
  /** The registered viewers, as JSON or CSV. */
  'registration:list': ADMINS,
  'stand:add': ADMINS,
  'stand:place': ADMINS,
  /** Edit a stand's content. */
  'stand:edit': STAND_MANAGERS,
  /** Hide, show or delete a stand's comments (and see the hidden ones). */
  'comment:moderate': STAND_MANAGERS,
  /** Visits per stand and region: an admin's of every stand, an exhibitor's of their own. */
  'exhibition:analytics': STAND_MANAGERS,
  /** The cluster's live nodes with their role, region, addresses and load. */
  'cluster:list': ADMINS,
} as const satisfies { [N in RequestName]: Allowed } & Record<string, Allowed>;

/** An operation a client may ask for, over the socket or HTTP. */
export type Operation = keyof typeof OPERATIONS;

/** Whether `grant`'s role may ask for `operation` at all (scope rules come on top). */
export function may(grant: Pick<Grant, 'role'>, operation: Operation): boolean {
  const allowed: Allowed = OPERATIONS[operation];
  return allowed === EVERYONE || allowed.includes(grant.role);
}

/** Why `grant` may not ask for `operation`, as a sentence; undefined when it may. */
export function operationRefusal(grant: Pick<Grant, 'role'>, operation: Operation): string | undefined {
  if (may(grant, operation)) return undefined;
  return `${operation} needs one of these roles: ${(OPERATIONS[operation] as readonly Role[]).join(', ')} (you are ${grant.role})`;
}

/** Whether `grant` runs the show: sees producer-only broadcasts (feed health, alerts) and the console. */
export function isProducer(grant: Pick<Grant, 'role'>): boolean {
  return grant.role === 'producer' || grant.role === 'admin';
}

/** Whether `grant` may publish into (or manage the ingests of) `studioId`: its own studio, or any for producers. */
export function mayPublishIn(grant: Grant, studioId: string): boolean {
  return isProducer(grant) || grant.studioId === studioId;
}

/**
 * Whether `grant` may watch the raw feeds of `studioId` (off air, before the producer chose them):
 * producers and admins every studio's, a studio's crew and its guests their own studio's. What is
 * on air, everyone watches through the program.
 */
export function mayWatchFeedOf(grant: Grant, studioId: string): boolean {
  return may(grant, 'feed:consume') && mayPublishIn(grant, studioId);
}

/** Whether `grant` may write captions on `channelId` in `language`. */
export function mayCaption(grant: Grant, channelId: string, language: string): boolean {
  if (isProducer(grant)) return true;
  return grant.role === 'captioner' && grant.channelId === channelId && !!grant.languages?.includes(language);
}

/** Whether `grant` may edit `standId` and moderate its comments: its exhibitor, or an admin. */
export function mayManageStand(grant: Grant, standId: string): boolean {
  return grant.role === 'admin' || (grant.role === 'exhibitor' && grant.standId === standId);
}

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

/** Which roles each role may invite: producers their crew and viewers, admins everyone. */
const INVITES: Partial<Record<Role, readonly Role[]>> = {
  producer: ['viewer', 'guest', 'studio', 'captioner'],
  admin: ROLES,
};

/** The roles `grant` may mint invite links for (none for most). */
export function invitableRoles(grant: Pick<Grant, 'role'>): readonly Role[] {
  return INVITES[grant.role] ?? [];
}

/** Why `grant` may not invite a `role` (for `hours`), as a sentence; undefined when it may. */
export function inviteRefusal(grant: Pick<Grant, 'role'>, role: Role, hours?: number): string | undefined {
  if (!invitableRoles(grant).includes(role)) return `a ${grant.role} may not invite a ${role}`;
  // Links cannot be taken back (short of a new signing key): only an admin makes one outlive the role's usual lifetime.
  const usual = DEFAULT_INVITE_HOURS[role];
  if (grant.role !== 'admin' && hours !== undefined && hours > usual) return `a ${grant.role} may invite a ${role} for at most ${usual} hours`;
  return undefined;
}
