import type { EventInfo } from '@hybrid-stage/shared';
import { assertMayPublishIn, assertMayWatchFeedOf } from '../access/permissions';
import type { ChannelRegistry } from '../program/ChannelRegistry';
import type { FeedRegistry } from '../studios/FeedRegistry';
import type { ClientSession } from './ClientSession';
import type { Handlers } from './handlers';

/** What the event is, apart from its live parts. */
export type EventSummary = Omit<EventInfo, 'feeds' | 'studios' | 'channels'>;

/** The event, and publishing and watching feeds. */
export function feedHandlers(
  session: ClientSession,
  feeds: FeedRegistry,
  channels: ChannelRegistry,
  eventInfo: () => Promise<EventInfo>,
): Handlers<'event:get' | 'feed:open' | 'feed:produce' | 'feed:close' | 'feed:consume'> {
  return {
    // On an edge, the origin's: its own feeds and channels are idle.
    'event:get': () => eventInfo(),
    'feed:open': async ({ studioId, label }) => {
      assertMayPublishIn(session.grant, studioId);
      const feed = feeds.open(studioId, label, 'browser');
      session.adoptFeed(feed);
      return feed.info();
    },
    'feed:produce': async ({ feedId, transportId, kind, rtpParameters }) => {
      const feed = session.ownFeed(feedId);
      const media = await session.media();
      const producer = await media.produce(transportId, kind, rtpParameters);
      try {
        feed.addTrack(producer, media.router);
      } catch (error) {
        producer.close();
        throw error;
      }
      return { producerId: producer.id };
    },
    'feed:close': async ({ feedId }) => {
      session.ownFeed(feedId).close();
      return {};
    },
    'feed:consume': async ({ feedId, transportId, rtpCapabilities }) => {
      const feed = feeds.get(feedId);
      // A studio's raw feeds are off air: another studio's crew or guest watches them only once on the program.
      assertMayWatchFeedOf(session.grant, feed.studioId);
      const media = await session.media();
      return { consumers: await media.consume(transportId, feed.tracks, rtpCapabilities) };
    },
  };
}
