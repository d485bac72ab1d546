import type { Consumer, Device, Producer, RtpCapabilities, Transport } from 'mediasoup-client/types';
import type { ConsumerOptions, TransportOptions } from '@hybrid-stage/shared';
import type { SignalingClient } from '../signaling/SignalingClient';

/**
 * mediasoup-client is a third of the watch page's script. Fetched beside the page rather than in
 * its first chunk, it is compiled while the page draws and is ready when the server's capabilities come.
 */
const mediasoupClient = import('mediasoup-client');

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

/** A mediasoup-client Device loaded with a router's RTP capabilities. */
export async function loadDevice(rtpCapabilities: RtpCapabilities): Promise<Device> {
  const { Device } = await mediasoupClient;
  const device = new Device();
  await device.load({ routerRtpCapabilities: rtpCapabilities });
  return device;
}

/** What a MediaSession may be given to start with. */
export interface MediaSessionOptions {
  /** The router's RTP capabilities, when known already (the page came with them); else the server is asked. */
  rtpCapabilities?: RtpCapabilities | undefined;
  /** A device loaded with those capabilities already, begun before the session (the page's first). */
  device?: Promise<Device> | undefined;
}

/** A watch begun before anything asked for it, and the consumers the server closed meanwhile. */
interface PreparedWatch {
  source: WatchSource;
  watch: Promise<Watch>;
  closed: Set<string>;
  stopListening: () => void;
}

/**
 * One browser's media against the SFU: the mediasoup-client Device and its send and receive
 * transports, created on first use. Plain TypeScript, no React.
 */
export class MediaSession {
  readonly #signaling: SignalingClient;
  #device: Promise<Device> | undefined;
  #prepared: PreparedWatch | undefined;
  #sendTransport: Promise<Transport> | undefined;
  #recvTransport: Promise<Transport> | undefined;
  /** Whether a watch has begun on the current receive transport (only the first may resume early). */
  #recvStarted = false;
  #closed = false;
  readonly #healthListeners = new Set<(health: ReceiveHealth) => void>();
  /** Whether the receive transport's media connection is up now (ICE and DTLS done). */
  #receiveConnected = false;
  #iceTimer: ReturnType<typeof setTimeout> | undefined;

  #rtpCapabilities: RtpCapabilities | undefined;

  constructor(signaling: SignalingClient, { rtpCapabilities, device }: MediaSessionOptions = {}) {
    this.#signaling = signaling;
    this.#rtpCapabilities = rtpCapabilities;
    if (device) this.#device = this.#forgetIfFailed(device, (p) => this.#device === p && (this.#device = undefined));
    // With the capabilities known, the device (which probes the browser's own) is ready before the first watch asks.
    else if (rtpCapabilities) void this.#loadDevice();
  }

  /** Publishes a track into one of the feeds this browser opened. */
  async publish(feedId: string, track: MediaStreamTrack): Promise<Producer> {
    const transport = await (this.#sendTransport ??= this.#forgetIfFailed(this.#createTransport('send'), (p) => this.#sendTransport === p && (this.#sendTransport = undefined)));
    // The track belongs to the page: it outlives this session, to be published again on the next.
    return transport.produce({ track, appData: { feedId }, stopTracks: false });
  }

  /**
   * Starts receiving `source` before anything asks for it: a watch page's program, while the page
   * is still drawing. The first {@link watch} of the same source takes it over.
   */
  prepare(source: WatchSource): void {
    this.#dropPrepared();
    const closed = new Set<string>();
    const onClosed = ({ consumerId }: { consumerId: string }) => void closed.add(consumerId);
    this.#signaling.socket.on('consumer:closed', onClosed);
    const watch = this.#watch(source);
    watch.catch(() => undefined); // reported to whoever takes it
    this.#prepared = { source, watch, closed, stopListening: () => void this.#signaling.socket.off('consumer:closed', onClosed) };
  }

  /** Receives a channel's program or a feed, audio and video. */
  async watch(source: WatchSource): Promise<Watch> {
    const prepared = this.#prepared;
    if (prepared && prepared.source.kind === source.kind && prepared.source.id === source.id) {
      this.#prepared = undefined;
      prepared.stopListening();
      const watch = await prepared.watch;
      // The server ended one of its consumers before anyone listened (a program bus rebuilt): start over.
      if (![...prepared.closed].some((id) => watch.holds(id))) return watch;
      watch.close();
    } else this.#dropPrepared();
    return this.#watch(source);
  }

  #dropPrepared(): void {
    const prepared = this.#prepared;
    this.#prepared = undefined;
    prepared?.stopListening();
    void prepared?.watch.then((w) => w.close(), () => undefined);
  }

  async #watch(source: WatchSource): Promise<Watch> {
    const started = this.#recvStarted;
    this.#recvStarted = true;
    const { transport, consumers } = await this.#receive(source);
    const resume = () => Promise.all(consumers.map((c) => this.#signaling.request('consumer:resume', { consumerId: c.id })));
    // On a transport not yet connected no packet can arrive before the browser has taken these
    // consumers (the connection starts with their negotiation), so the server may resume them
    // while the browser negotiates: the keyframe asked for on connecting is then the first frame.
    // On a connected transport the browser must take them first, or it would drop that keyframe.
    // Only the first watch on a transport starts its connection; one begun beside it takes the late path.
    const early = !started && transport.connectionState === 'new' ? resume() : undefined;
    early?.catch(() => undefined); // awaited below; this only keeps a quick refusal from being reported as unhandled
    const watch = new Watch(this.#signaling);
    try {
      // Taken together, the consumers are negotiated in one offer and answer.
      const taken = await Promise.allSettled(
        consumers.map((c) => transport.consume({ id: c.id, producerId: c.producerId, kind: c.kind, rtpParameters: c.rtpParameters })),
      );
      for (const t of taken) if (t.status === 'fulfilled') watch.add(t.value);
      for (const t of taken) if (t.status === 'rejected') throw t.reason;
      await (early ?? resume());
    } catch (error) {
      watch.close();
      throw error;
    }
    return watch;
  }

  /**
   * The receive transport and the server's consumers of `source` on it. A channel watched before
   * any receive transport exists (a viewer's join) takes one request: the server makes the
   * transport with the consumers. Otherwise the transport is made (once) and then consumed on.
   */
  async #receive(source: WatchSource): Promise<{ transport: Transport; consumers: ConsumerOptions[] }> {
    const device = await this.#loadDevice();
    const { rtpCapabilities } = device;
    if (source.kind === 'channel' && !this.#recvTransport) {
      const joined = this.#signaling.request('program:consume', { channelId: source.id, rtpCapabilities });
      const made = joined.then(({ transport }) => {
        if (!transport) throw new Error('the server made no receive transport');
        return this.#setUpTransport(device, 'recv', transport);
      });
      this.#recvTransport = this.#forgetIfFailed(made, (p) => this.#recvTransport === p && (this.#recvTransport = undefined));
      const [transport, { consumers }] = await Promise.all([made, joined]);
      return { transport, consumers };
    }
    const transport = await (this.#recvTransport ??= this.#forgetIfFailed(this.#createTransport('recv'), (p) => this.#recvTransport === p && (this.#recvTransport = undefined)));
    const { consumers } =
      source.kind === 'channel'
        ? await this.#signaling.request('program:consume', { channelId: source.id, transportId: transport.id, rtpCapabilities })
        : await this.#signaling.request('feed:consume', { feedId: source.id, transportId: transport.id, rtpCapabilities });
    return { transport, consumers };
  }

  /** Statistics of the send transport's peer connection (outgoing bitrate on the studio page). */
  async sendStats(): Promise<RTCStatsReport | undefined> {
    return this.#sendTransport ? (await this.#sendTransport).getStats() : undefined;
  }

  /**
   * Whether media can reach this browser now: its receive transport connected (a watch page that
   * never sees this within seconds is behind a network that blocks WebRTC, and plays HLS).
   */
  get receiveConnected(): boolean {
    return this.#receiveConnected;
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
    this.#recvStarted = false;
    void transport?.then((t) => t.close(), () => undefined);
  }

  /** Closes both transports. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#dropPrepared();
    clearTimeout(this.#iceTimer);
    this.#healthListeners.clear();
    for (const t of [this.#sendTransport, this.#recvTransport]) void t?.then((x) => x.close(), () => undefined);
  }

  #loadDevice(): Promise<Device> {
    const known = this.#rtpCapabilities;
    return (this.#device ??= this.#forgetIfFailed(
      known ? loadDevice(known) : this.#signaling.request('media:capabilities', {}).then(({ rtpCapabilities }) => loadDevice(rtpCapabilities)),
      (p) => {
        if (this.#device !== p) return;
        this.#device = undefined;
        this.#rtpCapabilities = undefined; // the next try asks the server
      },
    ));
  }

  /**
   * `work`, forgotten (by `forget`) if it fails: a capabilities or transport request lost in a
   * connection drop is made again by the next watch or publish, not failed forever.
   */
  #forgetIfFailed<T>(work: Promise<T>, forget: (failed: Promise<T>) => void): Promise<T> {
    work.catch(() => forget(work));
    return work;
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<Transport> {
    // The server makes the transport while the browser loads the device.
    const [device, options] = await Promise.all([this.#loadDevice(), this.#signaling.request('transport:create', { direction })]);
    return this.#setUpTransport(device, direction, options);
  }

  /** The browser's side of a transport the server made: it connects and produces through the server. */
  #setUpTransport(device: Device, direction: 'send' | 'recv', options: TransportOptions): Transport {
    const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      this.#signaling
        .request('transport:connect', { transportId: transport.id, dtlsParameters })
        .then(() => done(), fail);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
      this.#signaling
        .request('feed:produce', {
          feedId: String(appData.feedId),
          transportId: transport.id,
          kind,
          rtpParameters,
        })
        .then(({ producerId }) => done({ id: producerId }), fail);
    });
    if (direction === 'recv') {
      this.#receiveConnected = false;
      transport.on('connectionstatechange', (state) => this.#onReceiveState(transport, state));
    }
    return transport;
  }

  #onReceiveState(transport: Transport, state: RTCPeerConnectionState): void {
    if (this.#closed || transport.closed) return;
    this.#receiveConnected = state === 'connected';
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
      const { iceParameters, iceServers } = await this.#signaling.request('transport:restartIce', { transportId: transport.id });
      // A viewer away longer than its TURN credential lasts would be refused by the relay with the old one.
      if (iceServers.length > 0) await transport.updateIceServers({ iceServers });
      await transport.restartIce({ iceParameters });
    } catch {
      // The server no longer knows the transport (or cannot be reached): the player re-joins instead.
    }
  }
}
