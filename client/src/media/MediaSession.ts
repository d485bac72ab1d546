import { Device } from 'mediasoup-client';
import type { Producer, RtpCapabilities, RtpParameters, Transport, TransportOptions } from 'mediasoup-client/types';
import type { SignalingClient } from '../signaling/SignalingClient';

/**
 * One browser's media against the SFU: the mediasoup-client Device and its send and receive
 * transports, created on first use. Plain TypeScript, no React.
 */
export class MediaSession {
  readonly #signaling: SignalingClient;
  #device: Promise<Device> | undefined;
  #sendTransport: Promise<Transport> | undefined;
  #recvTransport: Promise<Transport> | undefined;
  #closed = false;

  constructor(signaling: SignalingClient) {
    this.#signaling = signaling;
  }

  /** Publishes a track into one of the feeds this browser opened. */
  async publish(feedId: string, track: MediaStreamTrack): Promise<Producer> {
    const transport = await (this.#sendTransport ??= this.#createTransport('send'));
    return transport.produce({ track, appData: { feedId } });
  }

  /** Receives a feed; resolves with a stream holding its audio and video tracks. */
  async watch(feedId: string): Promise<MediaStream> {
    const device = await this.#loadDevice();
    const transport = await (this.#recvTransport ??= this.#createTransport('recv'));
    const { consumers } = await this.#signaling.request('feed:consume', {
      feedId,
      transportId: transport.id,
      rtpCapabilities: device.rtpCapabilities as unknown as Record<string, unknown>,
    });
    const stream = new MediaStream();
    for (const c of consumers) {
      const consumer = await transport.consume({
        id: c.id,
        producerId: c.producerId,
        kind: c.kind,
        rtpParameters: c.rtpParameters as RtpParameters,
      });
      stream.addTrack(consumer.track);
      await this.#signaling.request('consumer:resume', { consumerId: c.id });
    }
    return stream;
  }

  /** Statistics of the receive transport's peer connection, for the stats panel and tests. */
  async receiveStats(): Promise<RTCStatsReport | undefined> {
    return this.#recvTransport ? (await this.#recvTransport).getStats() : undefined;
  }

  /** Closes both transports. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of [this.#sendTransport, this.#recvTransport]) void t?.then((x) => x.close(), () => undefined);
  }

  #loadDevice(): Promise<Device> {
    return (this.#device ??= (async () => {
      const { rtpCapabilities } = await this.#signaling.request('media:capabilities', {});
      const device = new Device();
      await device.load({ routerRtpCapabilities: rtpCapabilities as RtpCapabilities });
      return device;
    })());
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<Transport> {
    const device = await this.#loadDevice();
    const options = await this.#signaling.request('transport:create', { direction });
    const params = options as unknown as TransportOptions;
    const transport = direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      this.#signaling
        .request('transport:connect', { transportId: transport.id, dtlsParameters: dtlsParameters as unknown as Record<string, unknown> })
        .then(() => done(), fail);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
      this.#signaling
        .request('feed:produce', {
          feedId: String(appData.feedId),
          transportId: transport.id,
          kind,
          rtpParameters: rtpParameters as unknown as Record<string, unknown>,
        })
        .then(({ producerId }) => done({ id: producerId }), fail);
    });
    return transport;
  }
}
