/** Domain types shared by server and client. */
import { z } from 'zod';

/** A media track's kind. */
export const MediaKind = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;

/** A physical place that publishes feeds. */
export interface StudioInfo {
  id: string;
  name: string;
  /** IANA time zone of the studio, e.g. "Asia/Singapore". */
  timeZone: string;
}

/** Where a feed's media comes from. */
export type FeedSource = 'browser' | 'test-pattern';

/** One audio+video source in the SFU. */
export interface FeedInfo {
  id: string;
  studioId: string;
  label: string;
  source: FeedSource;
  /** The kinds this feed currently produces. */
  kinds: MediaKind[];
}

/** The conference as a client first sees it. */
export interface EventInfo {
  name: string;
  /** IANA time zone the agenda is planned in. */
  timeZone: string;
  studios: StudioInfo[];
  feeds: FeedInfo[];
}
