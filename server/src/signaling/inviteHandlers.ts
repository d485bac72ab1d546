import type { AccessTokens } from '../access/AccessTokens';
import { invitePath } from '../access/invitePath';
import { NotFoundError } from '../errors';
import type { FeedRegistry } from '../studios/FeedRegistry';
import type { Handlers } from './handlers';

/** How long a guest's invite works: long enough for a rehearsal and the show. */
const GUEST_INVITE_LIFETIME_HOURS = 48;
const STUDIO_INVITE_LIFETIME_HOURS = 30 * 24;
const CAPTIONER_INVITE_LIFETIME_HOURS = 30 * 24;

/** Producers invite remote guests, studio operators and captioners with signed links. */
export function inviteHandlers(feeds: FeedRegistry, channelIds: ReadonlySet<string>, access: AccessTokens): Handlers<'invite:create'> {
  return {
    'invite:create': async (request) => {
      if (request.role === 'captioner') {
        const { channelId, language } = request;
        if (!channelIds.has(channelId)) throw new NotFoundError('channel', channelId);
        const grant = { role: 'captioner' as const, channelId, languages: [language] };
        const token = await access.mint(grant, `${CAPTIONER_INVITE_LIFETIME_HOURS}h`);
        const expiresAt = new Date(Date.now() + CAPTIONER_INVITE_LIFETIME_HOURS * 3_600_000).toISOString();
        return { path: invitePath(grant, token), expiresAt };
      }
      const { role, studioId } = request;
      if (!feeds.studios.some((s) => s.id === studioId)) throw new NotFoundError('studio', studioId);
      const hours = role === 'guest' ? GUEST_INVITE_LIFETIME_HOURS : STUDIO_INVITE_LIFETIME_HOURS;
      const token = await access.mint({ role, studioId }, `${hours}h`);
      return { path: invitePath({ role, studioId }, token), expiresAt: new Date(Date.now() + hours * 3_600_000).toISOString() };
    },
  };
}
