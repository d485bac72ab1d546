import { describe, expect, it } from 'vitest';
import { Requests } from './protocol';
import {
  DEFAULT_INVITE_HOURS,
  EVERYONE,
  OPERATIONS,
  inviteRefusal,
  invitableRoles,
  isProducer,
  may,
  mayCaption,
  mayManageStand,
  mayPublishIn,
  mayWatchFeedOf,
  operationRefusal,
} from './permissions';
import { ROLES } from './vocabulary';

describe('the operation table', () => {
  it('has an entry for every socket request', () => {
    for (const name of Object.keys(Requests)) expect(OPERATIONS).toHaveProperty([name]);
  });

  it('names only real roles', () => {
    for (const allowed of Object.values(OPERATIONS)) if (allowed !== EVERYONE) for (const role of allowed) expect(ROLES).toContain(role);
  });

  it('lets the roles it lists ask, refuses the others with a sentence naming them', () => {
    expect(may({ role: 'viewer' }, 'program:consume')).toBe(true);
    expect(may({ role: 'guest' }, 'feed:open')).toBe(true);
    expect(may({ role: 'guest' }, 'ingest:create')).toBe(false);
    expect(may({ role: 'producer' }, 'registration:list')).toBe(false);
    expect(operationRefusal({ role: 'admin' }, 'registration:list')).toBeUndefined();
    expect(operationRefusal({ role: 'viewer' }, 'program:take')).toBe('program:take needs one of these roles: producer, admin (you are viewer)');
  });
});

describe('the scope rules', () => {
  it('publishing: its own studio, any for producers', () => {
    expect(mayPublishIn({ role: 'studio', studioId: 'london' }, 'london')).toBe(true);
    expect(mayPublishIn({ role: 'guest', studioId: 'london' }, 'moscow')).toBe(false);
    expect(mayPublishIn({ role: 'admin' }, 'moscow')).toBe(true);
    expect(mayPublishIn({ role: 'viewer' }, 'moscow')).toBe(false);
    expect(isProducer({ role: 'producer' })).toBe(true);
    expect(isProducer({ role: 'captioner' })).toBe(false);
  });

  it('raw feeds: every studio\'s for producers, its own studio\'s for a studio or guest, none for the others', () => {
    expect(mayWatchFeedOf({ role: 'producer' }, 'moscow')).toBe(true);
    expect(mayWatchFeedOf({ role: 'admin' }, 'moscow')).toBe(true);
    expect(mayWatchFeedOf({ role: 'studio', studioId: 'london' }, 'london')).toBe(true);
    expect(mayWatchFeedOf({ role: 'guest', studioId: 'london' }, 'london')).toBe(true);
    expect(mayWatchFeedOf({ role: 'studio', studioId: 'london' }, 'moscow')).toBe(false);
    expect(mayWatchFeedOf({ role: 'guest', studioId: 'london' }, 'moscow')).toBe(false);
    expect(mayWatchFeedOf({ role: 'viewer' }, 'london')).toBe(false);
    expect(mayWatchFeedOf({ role: 'captioner', channelId: 'main', languages: ['en'] }, 'london')).toBe(false);
  });

  it('captions: the captioner\'s channel and languages, anything for producers', () => {
    const desk = { role: 'captioner' as const, channelId: 'main', languages: ['en', 'ja'] };
    expect(mayCaption(desk, 'main', 'ja')).toBe(true);
    expect(mayCaption(desk, 'main', 'de')).toBe(false);
    expect(mayCaption(desk, 'regional', 'en')).toBe(false);
    expect(mayCaption({ role: 'producer' }, 'regional', 'de')).toBe(true);
    expect(mayCaption({ role: 'studio', studioId: 'main' }, 'main', 'en')).toBe(false);
  });

  it('stands: their exhibitor, or an admin', () => {
    expect(mayManageStand({ role: 'exhibitor', standId: 'acme' }, 'acme')).toBe(true);
    expect(mayManageStand({ role: 'exhibitor', standId: 'acme' }, 'other')).toBe(false);
    expect(mayManageStand({ role: 'admin' }, 'other')).toBe(true);
    expect(mayManageStand({ role: 'producer' }, 'acme')).toBe(false);
  });

  it('invites: producers their crew for the usual time, admins anyone for any time', () => {
    expect(invitableRoles({ role: 'producer' })).toEqual(['viewer', 'guest', 'studio', 'captioner']);
    expect(invitableRoles({ role: 'studio' })).toEqual([]);
    expect(inviteRefusal({ role: 'producer' }, 'guest')).toBeUndefined();
    expect(inviteRefusal({ role: 'producer' }, 'admin')).toBe('a producer may not invite a admin');
    expect(inviteRefusal({ role: 'producer' }, 'guest', DEFAULT_INVITE_HOURS.guest + 1)).toBe('a producer may invite a guest for at most 48 hours');
    expect(inviteRefusal({ role: 'admin' }, 'admin', 366 * 24)).toBeUndefined();
  });
});
