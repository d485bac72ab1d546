import type { ClientSession } from './ClientSession';
import type { Handlers } from './handlers';

/** Transports and consumers: the WebRTC plumbing every client needs. */
export function mediaHandlers(
  session: ClientSession,
): Handlers<'media:capabilities' | 'transport:create' | 'transport:connect' | 'transport:restartIce' | 'consumer:resume' | 'consumer:close'> {
  return {
    'media:capabilities': async () => ({ rtpCapabilities: (await session.media()).rtpCapabilities }),
    'transport:create': async ({ direction }) => (await session.media()).createTransport(direction),
    'transport:connect': async ({ transportId, dtlsParameters }) => {
      await (await session.media()).connectTransport(transportId, dtlsParameters);
      return {};
    },
    'transport:restartIce': async ({ transportId }) => (await session.media()).restartIce(transportId),
    'consumer:resume': async ({ consumerId }) => {
      await (await session.media()).resumeConsumer(consumerId);
      return {};
    },
    'consumer:close': async ({ consumerId }) => {
      (await session.media()).closeConsumer(consumerId);
      return {};
    },
  };
}
