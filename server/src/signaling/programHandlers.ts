import { AppError } from '../errors';
import type { ViewerSeats } from '../media/ViewerSeats';
import type { ChannelRegistry } from '../program/ChannelRegistry';
import type { EdgePrograms } from '../cluster/EdgePrograms';
import type { ClientSession } from './ClientSession';
import type { Handlers } from './handlers';

/** Watching a channel's program, and the producer's preview, take and backup. */
export function programHandlers(
  session: ClientSession,
  channels: ChannelRegistry,
  seats: ViewerSeats,
  edge?: { programs: EdgePrograms; full: () => boolean },
): Handlers<'program:consume' | 'program:preview' | 'program:take' | 'program:backup'> {
  const by = session.grant.role;
  return {
    'program:consume': async ({ channelId, transportId, rtpCapabilities }) => {
      let tracks;
      if (edge) {
        // An edge serves the origin's program, piped here once per channel and held while watched.
        // Over its threshold an edge takes no new viewers; the page asks for placement again.
        if (edge.full()) throw new AppError('NODE_FULL', 'this node is full: ask for placement again');
        const program = await edge.programs.program(channelId);
        tracks = [program.producers.video, program.producers.audio].map((producer) => ({ producer, router: program.router, onConsumer: program.hold }));
      } else {
        const bus = channels.bus(channelId);
        if (bus.closed) throw new AppError('INVALID_STATE', 'the channel is restarting on a new media worker: try again in a moment');
        tracks = [bus.producers.video, bus.producers.audio].map((producer) => ({ producer, router: bus.router }));
      }
      const media = await session.media();
      if (session.grant.role !== 'viewer') return { consumers: await media.consume(transportId, tracks, rtpCapabilities) };
      // A viewer takes one of this node's WebRTC seats (MAX_WEBRTC_VIEWERS) with the program's picture.
      return seats.seat(async () => {
        const consumers = await media.consume(transportId, tracks, rtpCapabilities);
        const video = consumers.find((c) => c.kind === 'video');
        return { result: { consumers }, video: video && media.consumer(video.id) };
      });
    },
    'program:preview': async ({ channelId, feedId }) => channels.preview(channelId, feedId),
    'program:take': async ({ channelId, feedId }) => channels.take(channelId, feedId, by),
    'program:backup': async ({ channelId, feedId }) => channels.setBackup(channelId, feedId),
  };
}
