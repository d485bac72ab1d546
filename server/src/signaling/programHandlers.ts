import type { ConsumerOptions } from '@hybrid-stage/shared';
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
      // Without a transport id (a viewer's first join) the receive transport is made here: one request, not two.
      const made = transportId === undefined ? await media.createTransport('recv') : undefined;
      const into = transportId ?? made!.id;
      const answer = (consumers: ConsumerOptions[]) => (made ? { consumers, transport: made } : { consumers });
      try {
        if (session.grant.role !== 'viewer') return answer(await media.consume(into, tracks, rtpCapabilities));
        // A viewer takes one of this node's WebRTC seats (MAX_WEBRTC_VIEWERS) with the program's picture.
        return await seats.seat(async () => {
          const consumers = await media.consume(into, tracks, rtpCapabilities);
          const video = consumers.find((c) => c.kind === 'video');
          return { result: answer(consumers), video: video && media.consumer(video.id) };
        });
      } catch (error) {
        // Refused (the node is full, the codec unknown): the transport made for it goes too.
        if (made) media.closeTransport(made.id);
        throw error;
      }
    },
    'program:preview': async ({ channelId, feedId }) => channels.preview(channelId, feedId),
    'program:take': async ({ channelId, feedId }) => channels.take(channelId, feedId, by),
    'program:backup': async ({ channelId, feedId }) => channels.setBackup(channelId, feedId),
  };
}
