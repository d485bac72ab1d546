import { AppError } from '../errors';
import type { ChannelRegistry } from '../program/ChannelRegistry';
import type { EdgePrograms } from '../cluster/EdgePrograms';
import type { ClientSession } from './ClientSession';
import type { Handlers } from './handlers';

/** Watching a channel's program, and the producer's preview, take and backup. */
export function programHandlers(
  session: ClientSession,
  channels: ChannelRegistry,
  edge?: { programs: EdgePrograms; full: () => boolean },
): Handlers<'program:consume' | 'program:preview' | 'program:take' | 'program:backup'> {
  const by = session.grant.role;
  return {
    'program:consume': async ({ channelId, transportId, rtpCapabilities }) => {
      if (edge) {
        // An edge serves the origin's program, piped here once per channel and held while watched.
        // Over its threshold an edge takes no new viewers; the page asks for placement again.
        if (edge.full()) throw new AppError('NODE_FULL', 'this node is full: ask for placement again');
        const program = await edge.programs.program(channelId);
        const media = await session.media();
        const tracks = [program.producers.video, program.producers.audio].map((producer) => ({ producer, router: program.router, onConsumer: program.hold }));
        return { consumers: await media.consume(transportId, tracks, rtpCapabilities) };
      }
      const bus = channels.bus(channelId);
      if (bus.closed) throw new AppError('INVALID_STATE', 'the channel is restarting on a new media worker: try again in a moment');
      const media = await session.media();
      const tracks = [bus.producers.video, bus.producers.audio].map((producer) => ({ producer, router: bus.router }));
      return { consumers: await media.consume(transportId, tracks, rtpCapabilities) };
    },
    'program:preview': async ({ channelId, feedId }) => channels.preview(channelId, feedId),
    'program:take': async ({ channelId, feedId }) => channels.take(channelId, feedId, by),
    'program:backup': async ({ channelId, feedId }) => channels.setBackup(channelId, feedId),
  };
}
