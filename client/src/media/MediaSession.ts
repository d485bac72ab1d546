import { Device } from 'mediasoup-client';
import type { Consumer, Producer, RtpCapabilities, RtpParameters, Transport, TransportOptions } from 'mediasoup-client/types';
import type { SignalingClient } from '../signaling/SignalingClient';

/** Whether the receive transport's network path is up, as a player tells the viewer. */
export type ReceiveHealth = 'ok' | 'interrupted';

/** How long a 'disconnected' transport may recover by itself before its ICE is restarted. */
const ICE_GRACE_MS = 2000;

/** What to watch: a channel's program (everyone) or one feed (studios and producers). */
export type WatchSource = { kind: 'channel'; id: string } | { kind: 'feed'; id: string };

/** Media being received: a stream to show, and the consumers behind it. */
export class Watch {
  readonly stream = new MediaStream();
  readonly #signaling: SignalingClient;
  readonly #consumers: Consumer[] = [];

  constructor(signaling: SignalingClient) {
    this.#signaling = signaling;
  }

  add(consumer: Consumer): void {
    this.#consumers.push(consumer);
    this.stream.addTrack(consumer.track);
  }

  /** Whether the server closed one of these consumers (its feed ended). */
  holds(consumerId: string): boolean {
    return this.#consumers.some((c) => c.id === consumerId);
  }

  /** The video receiver's statistics, for stats panels and tests. */
  async videoStats(): Promise<RTCStatsReport | undefined> {
    const video = this.#consumers.find((c) => c.kind === 'video' && !c.closed);
    return video?.getStats();
  }

  /** Stops receiving, here and on the server. Safe to call twice. */
  close(): void {
    for (const consumer of this.#consumers) {
      if (consumer.closed) continue;
      consumer.close();
      void this.#signaling.request('consumer:close', { consumerId: consumer.id }).catch(() => undefined);
    }
  }
}

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
  readonly #healthListeners = new Set<(health: ReceiveHealth) => void>();
  #iceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(signaling: SignalingClient) {
    this.#signaling = signaling;
  }

  /** Publishes a track into one of the feeds this browser opened. */
  async publish(feedId: string, track: MediaStreamTrack): Promise<Producer> {
    const transport = await (this.#sendTransport ??= this.#createTransport('send'));
    // The track belongs to the page: it outlives this session, to be published again on the next.
    return transport.produce({ track, appData: { feedId }, stopTracks: false });
  }

  /** Receives a channel's program or a feed, audio and video. */
  async watch(source: WatchSource): Promise<Watch> {
    const device = await this.#loadDevice();
    const transport = await (this.#recvTransport ??= this.#createTransport('recv'));
    const rtpCapabilities = device.rtpCapabilities as unknown as Record<string, unknown>;
    const { consumers } =
      source.kind === 'channel'
        ? await this.#signaling.request('program:consume', { channelId: source.id, transportId: transport.id, rtpCapabilities })
        : await this.#signaling.request('feed:consume', { feedId: source.id, transportId: transport.id, rtpCapabilities });
    const watch = new Watch(this.#signaling);
    try {
      for (const c of consumers) {
        watch.add(
          await transport.consume({ id: c.id, producerId: c.producerId, kind: c.kind, rtpParameters: c.rtpParameters as RtpParameters }),
        );
      }
      // Both kinds start together; resuming video asks the source for a keyframe, so the first frame comes fast.
      await Promise.all(consumers.map((c) => this.#signaling.request('consumer:resume', { consumerId: c.id })));
    } catch (error) {
      watch.close();
      throw error;
    }
    return watch;
  }

  /** Statistics of the send transport's peer connection (outgoing bitrate on the studio page). */
  async sendStats(): Promise<RTCStatsReport | undefined> {
    return this.#sendTransport ? (await this.#sendTransport).getStats() : undefined;
  }

  /** Calls `listener` when the receive transport's network path breaks or comes back; returns the unsubscribe. */
  onReceiveHealth(listener: (health: ReceiveHealth) => void): () => void {
    this.#healthListeners.add(listener);
    return () => this.#healthListeners.delete(listener);
  }

  /**
   * Drops the receive transport, for when restarting its ICE did not bring it back: everything
   * watching joins again on a new one.
   */
  resetReceive(): void {
    const transport = this.#recvTransport;
    this.#recvTransport = undefined;
    void transport?.then((t) => t.close(), () => undefined);
  }

  /** Closes both transports. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#iceTimer);
    this.#healthListeners.clear();
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
    if (direction === 'recv') transport.on('connectionstatechange', (state) => this.#onReceiveState(transport, state));
    return transport;
  }

  #onReceiveState(transport: Transport, state: RTCPeerConnectionState): void {
    if (this.#closed || transport.closed) return;
    clearTimeout(this.#iceTimer);
    if (state === 'connected') {
      for (const listener of this.#healthListeners) listener('ok');
    } else if (state === 'disconnected' || state === 'failed') {
      for (const listener of this.#healthListeners) listener('interrupted');
      // A brief 'disconnected' often heals by itself; 'failed' never does.
      this.#iceTimer = setTimeout(() => void this.#restartIce(transport), state === 'failed' ? 0 : ICE_GRACE_MS);
    }
  }

  async #restartIce(transport: Transport): Promise<void> {
    if (this.#closed || transport.closed) return;
    try {
      const { iceParameters } = await this.#signaling.request('transport:restartIce', { transportId: transport.id });
      await transport.restartIce({ iceParameters: iceParameters as Parameters<Transport['restartIce']>[0]['iceParameters'] });
    } catch {
      // The server no longer knows the transport (or cannot be reached): the player re-joins instead.
    }
  }
}
