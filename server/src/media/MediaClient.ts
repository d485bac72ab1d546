import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { ConsumerOptions, DtlsParameters, IceParameters, IceServer, MediaKind, RtpCapabilities, RtpParameters, TransportOptions } from '@hybrid-stage/shared';
import { AppError, InvalidStateError, NotFoundError } from '../errors';
import { sameClient } from '../limits/ClientRateLimits';
import { forClient } from './forClient';
import type { TurnCredentials } from './TurnCredentials';
import type { MediaWorker, WorkerPool } from './WorkerPool';

/** A console watching every feed holds two per feed; more than this is a leak or abuse. */
const MAX_CONSUMERS_PER_CLIENT = 64;

/** Events of a {@link MediaClient}. */
export interface MediaClientEvents {
  /** The server closed one of the client's consumers (its producer ended). */
  consumerClosed: [consumerId: string];
  /**
   * The worker under the client died, or the WebRtcServer its transports lived on closed, or the
   * path of one of its transports moved to another host ({@link MediaClientOptions.peerAddress});
   * everything of the client is gone (`close` follows). `moved` says where from and to, when that was why.
   */
  lost: [moved?: PathMove];
  close: [];
}

/** A transport's path that left its client's host: the signaling connection's address, and where the media went. */
export interface PathMove {
  from: string;
  to: string;
}

/** A producer to consume, with the router it lives on. */
export interface ConsumableTrack {
  producer: types.Producer;
  router: types.Router;
  /** Told of the consumer made (an edge counts its viewers of a channel by them). */
  onConsumer?: (consumer: types.Consumer) => void;
}

/** A share of consumers: taken before a consumer is made, given back when it closes (AddressLoad's, per client address). */
export interface ConsumerBudget {
  take(): boolean;
  release(): void;
}

/** Options of a {@link MediaClient}. */
export interface MediaClientOptions {
  budget?: ConsumerBudget;
  /**
   * A receive transport whose peer sent nothing (no STUN consent check, no RTCP report, no DTLS)
   * for this long is closed; 0 never. mediasoup 3.12 has no ICE consent freshness of its own.
   */
  silentPeerMs?: number;
  /** TURN servers and a credential minted for this client with every transport; none without TURN. */
  turn?: TurnCredentials | undefined;
  /**
   * The address its client's signaling connection comes from now. With it, the client's media is
   * closed (`lost`) when a transport's path, nominated at that host, moves to another host (see
   * `#keepOnPath`).
   */
  peerAddress?: () => string;
}

/**
 * The media side of one connected client: its WebRTC transports on one worker's router and the
 * consumers made for it. Knows nothing of sockets; the signaling layer drives it.
 */
export class MediaClient extends EventEmitter<MediaClientEvents> {
  readonly #pool: WorkerPool;
  readonly #worker: MediaWorker;
  readonly #transports = new Map<string, types.WebRtcTransport>();
  readonly #consumers = new Map<string, types.Consumer>();
  readonly #turn: TurnCredentials | undefined;
  /** This client in its TURN usernames (coturn logs them): random, it names no person. */
  readonly #turnUser = randomBytes(6).toString('hex');
  #closed = false;

  /** The consumers its client's address may still make (AddressLoad); none: no cap beyond the client's own. */
  readonly #budget: ConsumerBudget | undefined;
  readonly #silentPeerMs: number;
  readonly #peerAddress: (() => string) | undefined;

  /**
   * `worker` comes from {@link WorkerPool.placeClient}; closing the client releases its place.
   * With `turn`, every transport comes with TURN servers and a credential minted for this client.
   */
  constructor(pool: WorkerPool, worker: MediaWorker, { budget, silentPeerMs = 0, turn, peerAddress }: MediaClientOptions = {}) {
    super();
    this.#pool = pool;
    this.#worker = worker;
    this.#budget = budget;
    this.#silentPeerMs = silentPeerMs;
    this.#peerAddress = peerAddress;
    this.#turn = turn;
    worker.router.observer.once('close', this.#onMediaGone);
    // Also a client with no transport yet: a new one on a closed server would fail until it reconnects.
    worker.webRtcServer.observer.once('close', this.#onMediaGone);
  }

  /**
   * Everything on a dead worker is gone, and so are the transports of a closed WebRtcServer (all of
   * a client's are on one): the client must make new transports on a new MediaClient.
   */
  readonly #onMediaGone = (moved?: PathMove): void => {
    if (this.#closed) return;
    this.emit('lost', moved);
    this.close();
  };

  get closed(): boolean {
    return this.#closed;
  }

  /** The router this client's transports live on. */
  get router(): types.Router {
    return this.#worker.router;
  }

  /** What the client's mediasoup-client Device loads. */
  get rtpCapabilities(): RtpCapabilities {
    return forClient(this.#worker.router.rtpCapabilities);
  }

  /** Creates a WebRTC transport on the worker's WebRtcServer. */
  async createTransport(direction: 'send' | 'recv'): Promise<TransportOptions> {
    this.#assertOpen();
    if (this.#transports.size >= 4) throw new AppError('INVALID_STATE', 'too many transports for one client');
    const transport = await this.#worker.router.createWebRtcTransport({
      webRtcServer: this.#worker.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_500_000,
      appData: { direction },
    });
    if (this.#closed) {
      transport.close();
      throw new InvalidStateError('client closed');
    }
    this.#transports.set(transport.id, transport);
    transport.observer.once('close', () => this.#transports.delete(transport.id));
    if (direction === 'recv' && this.#silentPeerMs > 0) this.#closeWhenSilent(transport);
    if (this.#peerAddress) this.#keepOnPath(transport, this.#peerAddress);
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: forClient(transport.iceCandidates),
      dtlsParameters: forClient(transport.dtlsParameters),
      iceServers: this.#iceServers(),
    };
  }

  /** TURN servers with a fresh credential (the last one may have expired on a long stay); none without TURN. */
  #iceServers(): IceServer[] {
    return this.#turn?.iceServersFor(this.#turnUser) ?? [];
  }

  /**
   * Closes `transport` once its peer has sent nothing for {@link MediaClientOptions.silentPeerMs}: a
   * browser that receives sends STUN consent checks and RTCP receiver reports every few seconds,
   * all counted in the transport's bytesReceived (every packet on a WebRTC transport is); one whose
   * peer went away (or never connected) would otherwise keep its consumers, and their media, as long
   * as the signaling socket lives. The transport's consumers close with it.
   */
  #closeWhenSilent(transport: types.WebRtcTransport): void {
    let received = -1;
    let quietSince = Date.now();
    const timer = setInterval(() => {
      transport.getStats().then(
        (stats) => {
          const now = stats.reduce((sum, s) => sum + s.bytesReceived, 0);
          if (now !== received) {
            received = now;
            quietSince = Date.now();
          } else if (Date.now() - quietSince >= this.#silentPeerMs && !transport.closed) {
            transport.close();
          }
        },
        () => undefined, // closed meanwhile
      );
    }, Math.max(250, Math.floor(this.#silentPeerMs / 4)));
    timer.unref();
    transport.observer.once('close', () => clearInterval(timer));
  }

  /**
   * Ends the client's media when `transport`'s path, having been nominated at the host the
   * client's signaling comes from, moves to another host. mediasoup is ICE-lite and follows any
   * STUN check that carries USE-CANDIDATE and the transport's ICE credentials, so a check spoofed by
   * someone who learnt them would send a viewer's media elsewhere: to a victim of a flood, or to a
   * listener. A path nominated elsewhere (through TURN, a proxy, another address family) says
   * nothing about the signaling address and is left alone, as are the checks before nomination (a
   * browser tries each of its addresses) and a move within the host (a NAT's new port). A client
   * that really changed networks resumes its socket from the new address before it restarts ICE
   * there, so its new path matches. The client is told as after a worker's death (`media:lost`),
   * and its page makes new transports.
   */
  #keepOnPath(transport: types.WebRtcTransport, peerAddress: () => string): void {
    let anchored: boolean | undefined;
    const check = (): void => {
      const remoteIp = transport.iceSelectedTuple?.remoteIp;
      if (remoteIp === undefined) return;
      if (anchored === undefined) {
        if (transport.iceState === 'completed') anchored = sameClient(remoteIp, peerAddress());
      } else if (anchored && !sameClient(remoteIp, peerAddress())) {
        this.#onMediaGone({ from: peerAddress(), to: remoteIp });
      }
    };
    transport.on('icestatechange', check);
    transport.on('iceselectedtuplechange', check);
  }

  /** Closes one of the client's transports, with its consumers (a join refused after it was made); unknown ids are ignored. */
  closeTransport(transportId: string): void {
    this.#transports.get(transportId)?.close();
  }

  /** Completes the DTLS handshake parameters of one of the client's transports. */
  async connectTransport(transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    const transport = this.#transport(transportId);
    await rejectAsInvalid('dtlsParameters', transport.connect({ dtlsParameters }));
  }

  /**
   * New ICE credentials for one of the client's transports, after its network path broke, and
   * new TURN credentials: the client may have been away longer than the old ones last.
   */
  async restartIce(transportId: string): Promise<{ iceParameters: IceParameters; iceServers: IceServer[] }> {
    return { iceParameters: await this.#transport(transportId).restartIce(), iceServers: this.#iceServers() };
  }

  /** Receives a track from the client on one of its send transports. */
  async produce(transportId: string, kind: MediaKind, rtpParameters: RtpParameters): Promise<types.Producer> {
    const transport = this.#transport(transportId, 'send');
    return rejectAsInvalid('rtpParameters', transport.produce({ kind, rtpParameters }));
  }

  /**
   * Creates paused consumers of the given tracks on one of the client's receive transports,
   * piping each producer to this client's router first when it lives elsewhere.
   */
  async consume(transportId: string, tracks: ConsumableTrack[], caps: RtpCapabilities): Promise<ConsumerOptions[]> {
    const transport = this.#transport(transportId, 'recv');
    const result: ConsumerOptions[] = [];
    for (const track of tracks) {
      if (this.#consumers.size >= MAX_CONSUMERS_PER_CLIENT) {
        throw new AppError('INVALID_STATE', `at most ${MAX_CONSUMERS_PER_CLIENT} consumers per connection; close some first`);
      }
      if (this.#budget && !this.#budget.take()) {
        throw new AppError('RATE_LIMITED', 'too many streams are watched from this address; close some first');
      }
      let consumer: types.Consumer;
      try {
        const producer = await this.#pool.pipe(track.producer, track.router, this.router);
        if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
          throw new AppError('CANNOT_CONSUME', `this browser cannot receive the feed's ${producer.kind} codec`);
        }
        consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: caps, paused: true });
      } catch (error) {
        this.#budget?.release();
        throw error;
      }
      this.#consumers.set(consumer.id, consumer);
      // However it closes (by the client, its transport, its producer, the worker), its place is given back.
      consumer.observer.once('close', () => {
        this.#consumers.delete(consumer.id);
        this.#budget?.release();
      });
      track.onConsumer?.(consumer);
      consumer.once('producerclose', () => {
        consumer.close();
        this.emit('consumerClosed', consumer.id);
      });
      result.push({ id: consumer.id, producerId: track.producer.id, kind: consumer.kind, rtpParameters: forClient(consumer.rtpParameters) });
    }
    return result;
  }

  /** One of the client's consumers, if it has it. */
  consumer(consumerId: string): types.Consumer | undefined {
    return this.#consumers.get(consumerId);
  }

  /** Starts media on a consumer created paused; asks the source for a keyframe. */
  async resumeConsumer(consumerId: string): Promise<void> {
    this.#assertOpen();
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) throw new NotFoundError('consumer', consumerId);
    await consumer.resume();
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
  }

  /** Closes one of the client's consumers (it stopped watching). */
  closeConsumer(consumerId: string): void {
    this.#assertOpen();
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) throw new NotFoundError('consumer', consumerId);
    consumer.close();
  }

  /** Closes every transport (and so every producer and consumer). Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#transports.values()) t.close();
    this.#transports.clear();
    this.#consumers.clear();
    this.#pool.release(this.#worker);
    // The router and server outlive most clients: do not leave a listener per departed client on them.
    this.#worker.router.observer.off('close', this.#onMediaGone);
    this.#worker.webRtcServer.observer.off('close', this.#onMediaGone);
    this.emit('close');
  }

  #transport(transportId: string, direction?: 'send' | 'recv'): types.WebRtcTransport {
    this.#assertOpen();
    const transport = this.#transports.get(transportId);
    if (!transport) throw new NotFoundError('transport', transportId);
    if (direction && transport.appData.direction !== direction) {
      throw new AppError('INVALID_STATE', `transport ${transportId} is not a ${direction} transport`);
    }
    return transport;
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError('media client is closed');
  }
}

/** mediasoup validates parameters itself; its refusals are the client's mistake, not ours. */
async function rejectAsInvalid<T>(what: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const reason = error instanceof Error ? error.message.slice(0, 200) : 'refused';
    throw new AppError('INVALID_REQUEST', `invalid ${what}: ${reason}`);
  }
}
