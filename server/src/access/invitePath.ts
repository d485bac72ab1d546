import type { Grant } from '@hybrid-stage/shared';

/** The page an invite link for `grant` opens, with its token: where that role works. */
export function invitePath(grant: Grant, token: string): string {
  const query = `token=${encodeURIComponent(token)}`;
  switch (grant.role) {
    case 'producer':
      return `/console?${query}`;
    case 'studio':
    case 'guest':
      return `/studio/${encodeURIComponent(grant.studioId ?? '')}?${query}`;
    case 'captioner':
      return `/desk/${encodeURIComponent(grant.channelId ?? '')}/${grant.languages?.[0] ?? 'en'}?${query}`;
    case 'exhibitor':
      return `/exhibition?stand=${encodeURIComponent(grant.standId ?? '')}&${query}`;
    case 'admin':
      return `/admin?${query}`;
    case 'viewer':
      return `/?${query}`;
  }
}
