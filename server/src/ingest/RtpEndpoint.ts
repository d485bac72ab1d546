import { randomInt } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { types } from 'mediasoup';
import type { MediaKind } from '@hybrid-stage/shared';
import { AppError } from '../errors';
import type { Feed } from '../studios/Feed';

/** Payload types an RTP sender must use: the router's own, so no mapping is needed. */
export const VIDEO_PAYLOAD_TYPE = 101;
export const AUDIO_PAYLOAD_TYPE = 100;

/** Where a sender sends one stream, and how it must label it. */
export interface RtpTarget {
  ip: string;
  port: number;
  rtcpPort: number;
  ssrc: number;
  payloadType: number;
}

/**
 * Where an encoder sends from: its address and, per kind, the RTP port (RTCP from the next one, as
 * RFC 3550 has it). Packets from anywhere else are dropped by the worker.
 */
export interface RtpSource {
  ip: string;
  ports: Record<MediaKind, number>;
}

/** Options of {@link RtpEndpoint.open}. */
export interface RtpEndpointOptions {
  /** The feed the endpoint's producers go into; it closes with the endpoint. */
  feed: Feed;
  router: types.Router;
  /** Address to listen on (127.0.0.1 for a local ffmpeg). */
  listenIp: string;
  /** Address senders are told to use, when it differs from listenIp. */
  announcedIp?: string;
  /**
   * Whether the endpoint outlives its router's worker: when the worker dies the feed stays open
   * without tracks until {@link RtpEndpoint.moveTo} opens the endpoint again on a new router.
   * Otherwise the endpoint and its feed end with the worker.
   */
  followsWorker?: boolean;
  /**
   * The encoder's declared address: the transports take packets from it alone. Without it they
   * take the first sender's (comedia), which is only for senders on loopback that this server
   * starts itself (test patterns, the SRT relay): from outside, anyone's first packet would win.
   */
  source?: RtpSource;
  /**
   * The ports and SSRCs of an endpoint opened before (by a server that stopped or died), kept so
   * its encoder, which keeps sending, is back without a change; a port taken meanwhile is replaced.
   */
  keep?: Record<MediaKind, KeptTarget>;
}

/** What an encoder sends to, of one kind: kept when an endpoint opens again. */
export type KeptTarget = Pick<RtpTarget, 'port' | 'ssrc'>;

/**
 * Two PlainTransports that receive VP8 and Opus RTP (RFC 3550) from an encoder such as ffmpeg, and
 * the feed's two producers. The sender must use the SSRCs and payload types of {@link targets};
 * it sends RTCP from a port of its own, so RTCP is not muxed; both tuples are the declared source's
 * (packets from anywhere else are dropped), or learnt from the first sender (comedia) without one.
 */
export class RtpEndpoint {
  readonly #options: RtpEndpointOptions;
  readonly #feed: Feed;
  #transports: types.PlainTransport[] = [];
  readonly #targets: Partial<Record<MediaKind, RtpTarget>> = {};
  #closed = false;

  private constructor(options: RtpEndpointOptions) {
    this.#options = options;
    this.#feed = options.feed;
  }

  /** Creates the transports and producers. */
  static async open(options: RtpEndpointOptions): Promise<RtpEndpoint> {
    if (options.source && isIPv4(options.source.ip) !== isIPv4(options.listenIp)) {
      throw new AppError('INVALID_REQUEST', `the encoder's address must be ${isIPv4(options.listenIp) ? 'IPv4' : 'IPv6'}, as the ingest listens on it`);
    }
    const endpoint = new RtpEndpoint(options);
    try {
      for (const kind of ['video', 'audio'] as const) await endpoint.#openTrackKeeping(kind, options, options.keep?.[kind]);
    } catch (error) {
      endpoint.close();
      throw error;
    }
    return endpoint;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Where to send each kind. */
  get targets(): Record<MediaKind, RtpTarget> {
    return this.#targets as Record<MediaKind, RtpTarget>;
  }

  /**
   * Opens the endpoint again on `router` after its worker died (with `followsWorker`): on the same
   * RTP ports and with the same SSRCs, so an encoder that keeps sending is back without a change.
   * A port taken meanwhile is replaced by a free one (the studio page shows it).
   */
  async moveTo(router: types.Router): Promise<void> {
    if (this.#closed) return;
    for (const t of this.#transports) t.close();
    this.#transports = [];
    const before = { ...this.#targets };
    const options = { ...this.#options, router };
    for (const kind of ['video', 'audio'] as const) await this.#openTrackKeeping(kind, options, before[kind]);
  }

  /** Closes the transports and the feed. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#transports) t.close();
    this.#feed.close();
  }

  /** {@link #openTrack} on `previous`'s port, or on a free one when that port is taken (same SSRC). */
  async #openTrackKeeping(kind: MediaKind, options: RtpEndpointOptions, previous: KeptTarget | undefined): Promise<void> {
    try {
      await this.#openTrack(kind, options, previous);
    } catch (error) {
      if (!previous || this.#closed || options.router.closed) throw error;
      await this.#openTrack(kind, options, { ...previous, port: 0 });
    }
  }

  /** `previous`: the port and SSRC to keep (port 0: any free one). */
  async #openTrack(kind: MediaKind, { router, listenIp, announcedIp, followsWorker, source }: RtpEndpointOptions, previous?: KeptTarget): Promise<void> {
    const transport = await router.createPlainTransport({
      listenIp: { ip: listenIp, announcedIp },
      ...(previous?.port ? { port: previous.port } : {}),
      rtcpMux: false,
      comedia: !source,
    });
    if (this.#closed) {
      transport.close();
      return;
    }
    this.#transports.push(transport);
    // Connected to the declared address, the worker drops what comes from any other address or
    // port ("ignoring RTP packet from unknown IP:port"), and sends its RTCP reports there.
    if (source) await transport.connect({ ip: source.ip, port: source.ports[kind], rtcpPort: source.ports[kind] + 1 });
    // The router closed under us (its worker died): the endpoint and its feed end, unless the
    // endpoint waits to be moved to the worker that replaces it.
    transport.observer.once('close', () => {
      if (!(followsWorker && router.closed)) this.close();
    });
    const ssrc = previous?.ssrc ?? randomInt(0x10000000, 0x7fffffff);
    const payloadType = kind === 'video' ? VIDEO_PAYLOAD_TYPE : AUDIO_PAYLOAD_TYPE;
    const codec =
      kind === 'video'
        ? { mimeType: 'video/VP8', payloadType, clockRate: 90000 }
        : { mimeType: 'audio/opus', payloadType, clockRate: 48000, channels: 2 };
    const producer = await transport.produce({ kind, rtpParameters: { codecs: [codec], encodings: [{ ssrc }] } });
    this.#feed.addTrack(producer, router);
    this.#targets[kind] = {
      ip: announcedIp ?? listenIp,
      port: transport.tuple.localPort,
      rtcpPort: transport.rtcpTuple!.localPort,
      ssrc,
      payloadType,
    };
  }
}

/**
 * ffmpeg output options that send VP8 and Opus to an endpoint's targets (after the encoder
 * options); with `source`, from the declared ports.
 */
export function ffmpegRtpOutputs(targets: Record<MediaKind, RtpTarget>, source?: RtpSource): { video: string[]; audio: string[] } {
  const out = (kind: MediaKind) => {
    const t = targets[kind];
    const from = source ? `&localrtpport=${source.ports[kind]}&localrtcpport=${source.ports[kind] + 1}` : '';
    return ['-ssrc', String(t.ssrc), '-payload_type', String(t.payloadType), '-f', 'rtp', `rtp://${t.ip}:${t.port}?rtcpport=${t.rtcpPort}&pkt_size=1200${from}`];
  };
  return { video: out('video'), audio: out('audio') };
}

/**
 * libvpx settings for live VP8: realtime, keyframes every `gop` frames (ffmpeg cannot answer a
 * keyframe request, so the program bus waits at most this long on a cut), no frames held back.
 * One thread: libvpx's threads spin on small pictures and cost several times the CPU.
 */
export function vp8EncoderOptions(bitrate: string, gop: number): string[] {
  return [
    '-c:v', 'libvpx', '-threads', '1', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', bitrate,
    '-g', String(gop), '-keyint_min', String(gop), '-error-resilient', '1', '-auto-alt-ref', '0', '-lag-in-frames', '0',
  ];
}

/** Opus settings matching the router's codec (48 kHz stereo). */
export function opusEncoderOptions(bitrate: string): string[] {
  return ['-c:a', 'libopus', '-b:a', bitrate, '-ac', '2', '-ar', '48000'];
}
