import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { ConsumerOptions, DtlsParameters, IceParameters, MediaKind, RtpCapabilities, RtpParameters, TransportOptions } from '@hybrid-stage/shared';
import { AppError, InvalidStateError, NotFoundError } from '../errors';
import { forClient } from './forClient';
import type { MediaWorker, WorkerPool } from './WorkerPool';

/** A console watching every feed holds two per feed; more than this is a leak or abuse. */
const MAX_CONSUMERS_PER_CLIENT = 64;

/** Events of a {@link MediaClient}. */
export interface MediaClientEvents {
  /** The server closed one of the client's consumers (its producer ended). */
  consumerClosed: [consumerId: string];
  /**
   * The worker under the client died, or the WebRtcServer its transports lived on closed;
   * everything of the client is gone (`close` follows).
   */
  lost: [];
  close: [];
}

/** A producer to consume, with the router it lives on. */
export interface ConsumableTrack {
  producer: types.Producer;
  router: types.Router;
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
  #closed = false;

  /** `worker` comes from {@link WorkerPool.placeClient}; closing the client releases its place. */
  constructor(pool: WorkerPool, worker: MediaWorker) {
    super();
    this.#pool = pool;
    this.#worker = worker;
    worker.router.observer.once('close', this.#onMediaGone);
    // Also a client with no transport yet: a new one on a closed server would fail until it reconnects.
    worker.webRtcServer.observer.once('close', this.#onMediaGone);
  }

  /**
   * Everything on a dead worker is gone, and so are the transports of a closed WebRtcServer (all of
   * a client's are on one): the client must make new transports on a new MediaClient.
   */
  readonly #onMediaGone = (): void => {
    if (this.#closed) return;
    this.emit('lost');
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
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: forClient(transport.iceCandidates),
      dtlsParameters: forClient(transport.dtlsParameters),
    };
  }

  /** Completes the DTLS handshake parameters of one of the client's transports. */
  async connectTransport(transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    const transport = this.#transport(transportId);
    await rejectAsInvalid('dtlsParameters', transport.connect({ dtlsParameters }));
  }

  /** New ICE credentials for one of the client's transports, after its network path broke. */
  async restartIce(transportId: string): Promise<IceParameters> {
    return this.#transport(transportId).restartIce();
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
      const producer = await this.#pool.pipe(track.producer, track.router, this.router);
      if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
        throw new AppError('CANNOT_CONSUME', `this browser cannot receive the feed's ${producer.kind} codec`);
      }
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: caps, paused: true });
      this.#consumers.set(consumer.id, consumer);
      consumer.observer.once('close', () => this.#consumers.delete(consumer.id));
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
