import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { types } from 'mediasoup';
import { z } from 'zod';
import { NodeName, type MediaKind } from '@hybrid-stage/shared';
import { StartupError } from '../errors';

/**
 * A channel's program carried from the origin host to an edge host: one PipeTransport pair per
 * edge and channel, over UDP with SRTP and RTX, the way mediasoup's own `pipeToRouter` joins two
 * routers of one host, but with the two halves on different machines. The edge makes its half
 * first and asks the origin once ({@link RelayRequest}); the origin makes its half, connects it to
 * the edge and answers with the program's producers ({@link RelayAnswer}), which the edge recreates
 * with the same ids. Viewers' keyframe requests on the edge travel back through the pipe to the
 * origin's program bus, which passes them on coalesced as it does for its own viewers.
 */

/** Where a pipe half listens, as the other host reaches it, with the SRTP key it sends with. */
const PipeEnd = z.strictObject({
  ip: z.string().min(1).max(64),
  port: z.number().int().min(1).max(65535),
  srtpParameters: z.strictObject({
    cryptoSuite: z.enum(['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']),
    keyBase64: z.string().min(1).max(128),
  }),
});

/** The edge's request: the program of `channelId`, to its pipe half. */
export const RelayRequest = z.strictObject({
  channelId: z.string().min(1).max(64),
  edgeNodeId: NodeName,
  edge: PipeEnd,
});
export type RelayRequest = z.infer<typeof RelayRequest>;

/** The origin's answer: its pipe half, and the program's producers as the edge must recreate them. */
export const RelayAnswer = z.strictObject({
  origin: PipeEnd,
  producers: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(64),
        kind: z.enum(['audio', 'video']),
        // mediasoup's own RtpParameters, made by the origin's worker: checked there, carried as is.
        rtpParameters: z.record(z.string(), z.unknown()),
        paused: z.boolean(),
      }),
    )
    .min(1)
    .max(16),
});
export type RelayAnswer = z.infer<typeof RelayAnswer>;

/** The address a pipe half binds, and the one the other host is told (they differ behind NAT). */
export interface PipeListen {
  ip: string;
  announcedIp?: string;
}

/**
 * The address other nodes send this node's pipe halves to: RELAY_ADDRESS (an IP, or a host name
 * looked up now, once), else ANNOUNCED_IP. Behind Docker's port publishing the two differ: browsers
 * reach the host, other nodes the container on the compose network.
 */
export async function relayAddress({ RELAY_ADDRESS, ANNOUNCED_IP }: { RELAY_ADDRESS?: string | undefined; ANNOUNCED_IP: string }): Promise<string> {
  if (!RELAY_ADDRESS) return ANNOUNCED_IP;
  if (isIP(RELAY_ADDRESS)) return RELAY_ADDRESS;
  try {
    return (await lookup(RELAY_ADDRESS)).address;
  } catch (error) {
    throw new StartupError(`RELAY_ADDRESS=${RELAY_ADDRESS}: the host name does not resolve (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'})`);
  }
}

const pipeOptions = (listen: PipeListen): types.PipeTransportOptions => ({
  listenIp: listen.announcedIp ? { ip: listen.ip, announcedIp: listen.announcedIp } : { ip: listen.ip },
  enableSrtp: true,
  enableRtx: true,
});

const endOf = (transport: types.PipeTransport): z.infer<typeof PipeEnd> => ({
  ip: transport.tuple.localIp,
  port: transport.tuple.localPort,
  srtpParameters: transport.srtpParameters!,
});

/** What the origin relays a channel from: the router its program bus lives on, and the bus's producers. */
export interface ProgramSource {
  router: types.Router;
  producers: Readonly<Record<MediaKind, types.Producer>>;
}

/**
 * The origin's half of every relay: answers edges' requests and closes a pipe when its edge lets it
 * go, leaves the cluster, or the program's producers close (the bus was rebuilt: the edge asks again).
 */
export class OriginRelays {
  readonly #source: (channelId: string) => ProgramSource;
  readonly #listen: PipeListen;
  /** Open pipes by `${edgeNodeId} ${channelId}`. */
  readonly #pipes = new Map<string, types.PipeTransport>();
  readonly #onLost: ((edgeNodeId: string, channelId: string) => void) | undefined;
  #closed = false;

  /**
   * `onLost` hears of a pipe that closed under the origin (its producers closed with a rebuilt bus,
   * or its worker died), not of one the edge released or asked again for: the edge must be told.
   */
  constructor(source: (channelId: string) => ProgramSource, listen: PipeListen, onLost?: (edgeNodeId: string, channelId: string) => void) {
    this.#source = source;
    this.#listen = listen;
    this.#onLost = onLost;
  }

  /** Takes a pipe out of the map before closing it, so its closing is not reported as lost. */
  #drop(key: string): void {
    const transport = this.#pipes.get(key);
    this.#pipes.delete(key);
    transport?.close();
  }

  /** Pipes open now, one per edge and channel. */
  get size(): number {
    return this.#pipes.size;
  }

  /** Opens (or reopens) the pipe of `request.channelId` to the edge that asks. */
  async answer(request: RelayRequest): Promise<RelayAnswer> {
    if (this.#closed) throw new Error('the origin is stopping');
    const { router, producers } = this.#source(request.channelId);
    const key = `${request.edgeNodeId} ${request.channelId}`;
    this.#drop(key); // an edge asks again after losing its half: the old one is dead
    const transport = await router.createPipeTransport(pipeOptions(this.#listen));
    // Closed meanwhile, or the same edge asked again meanwhile (the later request wins): the map holds
    // one pipe per edge and channel, and nothing is left untracked.
    if (this.#closed) {
      transport.close();
      throw new Error('the origin is stopping');
    }
    this.#drop(key);
    this.#pipes.set(key, transport);
    transport.observer.once('close', () => {
      if (this.#pipes.get(key) !== transport) return;
      this.#pipes.delete(key);
      if (!this.#closed) this.#onLost?.(request.edgeNodeId, request.channelId);
    });
    try {
      await transport.connect(request.edge);
      const answer: RelayAnswer = { origin: endOf(transport), producers: [] };
      for (const producer of Object.values(producers)) {
        const consumer = await transport.consume({ producerId: producer.id });
        // A rebuilt bus has new producers: this pipe is of no use any more, and the edge asks again.
        consumer.observer.once('close', () => transport.close());
        answer.producers.push({
          id: producer.id,
          kind: consumer.kind,
          rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
          paused: consumer.producerPaused,
        });
      }
      return answer;
    } catch (error) {
      if (this.#pipes.get(key) === transport) this.#pipes.delete(key);
      transport.close();
      throw error;
    }
  }

  /** Closes the pipe of one channel to one edge (no viewer there watches it any more). */
  release(edgeNodeId: string, channelId: string): void {
    this.#drop(`${edgeNodeId} ${channelId}`);
  }

  /** Closes every pipe to an edge that left the cluster. */
  forgetEdge(edgeNodeId: string): void {
    for (const key of [...this.#pipes.keys()]) if (key.startsWith(`${edgeNodeId} `)) this.#drop(key);
  }

  /** Closes every pipe. Safe to call twice. */
  close(): void {
    this.#closed = true;
    const pipes = [...this.#pipes.values()];
    this.#pipes.clear();
    for (const transport of pipes) transport.close();
  }

  /** The edges that hold a pipe now. */
  edges(): Set<string> {
    return new Set([...this.#pipes.keys()].map((key) => key.slice(0, key.indexOf(' '))));
  }
}

/**
 * The edge's half of one channel's relay: the program's producers recreated on the edge's router,
 * with the origin's ids, for the edge's viewers (and its other workers, through `pipeToRouter`).
 */
export class EdgeRelay {
  readonly producers: Readonly<Record<MediaKind, types.Producer>>;
  readonly #transport: types.PipeTransport;

  private constructor(transport: types.PipeTransport, producers: Record<MediaKind, types.Producer>) {
    this.#transport = transport;
    this.producers = producers;
  }

  /**
   * Makes the edge's half on `router`, asks the origin with `ask` (a request between nodes) and
   * recreates the program's producers.
   */
  static async open(
    router: types.Router,
    listen: PipeListen,
    channelId: string,
    edgeNodeId: string,
    ask: (request: RelayRequest) => Promise<RelayAnswer>,
  ): Promise<EdgeRelay> {
    const transport = await router.createPipeTransport(pipeOptions(listen));
    try {
      const answer = RelayAnswer.parse(await ask({ channelId, edgeNodeId, edge: endOf(transport) }));
      await transport.connect(answer.origin);
      const producers: Partial<Record<MediaKind, types.Producer>> = {};
      for (const p of answer.producers) {
        producers[p.kind] = await transport.produce({
          id: p.id,
          kind: p.kind,
          rtpParameters: p.rtpParameters as unknown as types.RtpParameters,
          paused: p.paused,
          appData: { channelId },
        });
      }
      if (!producers.video || !producers.audio) throw new Error(`the origin sent no ${producers.video ? 'audio' : 'video'} for ${channelId}`);
      return new EdgeRelay(transport, producers as Record<MediaKind, types.Producer>);
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  /** Whether the pipe is gone (closed here, or its router closed). */
  get closed(): boolean {
    return this.#transport.closed;
  }

  /** Calls `listener` once the pipe is gone (closed here, or with its router when the worker died). */
  onClose(listener: () => void): void {
    if (this.#transport.closed) listener();
    else this.#transport.observer.once('close', listener);
  }

  /** Closes the edge's half (the origin's is released by a request, or when the edge leaves). */
  close(): void {
    this.#transport.close();
  }
}
